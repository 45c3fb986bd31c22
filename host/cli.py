"""The ``stephost`` command."""

from __future__ import annotations

import gc

if __name__ == "__main__":  # `python -m stephost_host.cli`; `main()` for the script
    gc.disable()  # until the host serves, or the command is not a host (_collector_on)

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from .console import problem_text, render_error, render_log_line, span_tree

app = typer.Typer(
    help="stephost: APIs, events, cron jobs and agents as steps, in Python, TypeScript and Ruby.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
state_app = typer.Typer(help="Read and write state groups.", no_args_is_help=True)
dlq_app = typer.Typer(help="Inspect and replay the dead-letter queue.", no_args_is_help=True)
cron_app = typer.Typer(help="Cron steps on demand.", no_args_is_help=True)
app.add_typer(state_app, name="state")
app.add_typer(dlq_app, name="dlq")
app.add_typer(cron_app, name="cron")
apikey_app = typer.Typer(
    help="API keys for api steps with `auth: {type: apiKey}`.", no_args_is_help=True
)
app.add_typer(apikey_app, name="apikey")
token_app = typer.Typer(
    help="Bearer tokens, with roles: for the admin API (off loopback), and remote runtimes.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")

ProjectOpt = Annotated[
    Path, typer.Option("--project", "-C", help="The project folder (holds steps/).")
]
# The defaults shown are stephost.toml's (None here means: not given on the command line).
PortOpt = Annotated[
    int | None,
    typer.Option("--port", "-p", help="HTTP port (stephost.toml's port).", show_default="3111"),
]
HostOpt = Annotated[
    str | None,
    typer.Option(
        "--host", help="Interface to listen on (stephost.toml's host).", show_default="127.0.0.1"
    ),
]
AdminPortOpt = Annotated[
    int | None,
    typer.Option(
        "--admin-port",
        help="Port of the admin API and the Workbench (stephost.toml's admin_port).",
        show_default="the api port + 1",
    ),
]
AdminHostOpt = Annotated[
    str | None,
    typer.Option(
        "--admin-host",
        help="Interface the admin API listens on (stephost.toml's admin_host).",
        show_default="127.0.0.1",
    ),
]
UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="The host's admin listener to talk to.",
        show_default="STEPHOST_URL, else the project's admin_host and admin_port",
    ),
]


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict", help="A step config with an unknown key is not served (else: a warning)."
    ),
]


def _serve(
    project: Path,
    host: str | None,
    port: int | None,
    watch: bool,
    strict: bool = False,
    admin: tuple[str | None, int | None] = (None, None),
    workers: int | None = None,
) -> None:
    from .errors import ProjectError
    from .http.listen import bind_http
    from .settings import load_settings
    from .telemetry import configure_logging

    project = project.resolve()
    try:
        settings = load_settings(
            project,
            host=host,
            port=port,
            strict=strict or None,
            admin_host=admin[0],
            admin_port=admin[1],
            workers=workers,
        )
    except ProjectError as exc:
        fail(exc.message)
    configure_logging(settings.log_level, settings.log_format)
    from .workers import WorkerParent, check_workers, listen_socket, worker_index

    inherited = listen_socket()
    if settings.workers > 1 and not watch and inherited is None:
        try:
            check_workers(settings)
            parent = WorkerParent(project, settings, ["--strict"] if strict else [])
        except ProjectError as exc:
            fail(exc.message)
        gc.enable()  # the parent of the workers serves nothing itself
        raise SystemExit(parent.run())
    admin_sock = None
    try:
        sock = inherited or bind_http(settings.host, settings.port)
        # With workers, the first one serves the admin listener (the others have none).
        if settings.admin and worker_index() == 0:
            admin_sock = bind_http(
                settings.admin_host, settings.admin_listen_port, flag="--admin-port"
            )
    except ProjectError as exc:
        fail(exc.message)

    async def main() -> None:
        from .runtimes.prewarm import Prewarmed

        # SIGTERM before the host serves (which then takes the signals) stops the start:
        # what started is stopped, last first, as when it serves (SIGINT does so already).
        starting = asyncio.current_task()
        assert starting is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, starting.cancel)

        # The runtimes load their steps while the host loads itself (host.runtimes.prewarm);
        # not under `dev`, whose watcher notes the files before its runtimes load them.
        prewarmed = Prewarmed() if watch else await Prewarmed.start(project, settings)
        try:
            from .server import Host

            server = Host(project, settings, prewarmed)
            try:
                await server.start()
                await server.serve(sock, admin_sock, watch=watch)
            finally:
                await server.stop()
        finally:
            await prewarmed.discard()

    try:
        import uvloop

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())
    except ProjectError as exc:
        fail(exc.message)
    except (KeyboardInterrupt, asyncio.CancelledError):  # stopped while starting
        pass


@app.command()
def dev(
    project: ProjectOpt = Path("."),
    port: PortOpt = None,
    host: HostOpt = None,
    strict: StrictOpt = False,
    admin_port: AdminPortOpt = None,
    admin_host: AdminHostOpt = None,
) -> None:
    """Serve the project and reload runtimes when a step file changes."""
    _serve(project, host, port, watch=True, strict=strict, admin=(admin_host, admin_port))


@app.command()
def start(
    project: ProjectOpt = Path("."),
    port: PortOpt = None,
    host: HostOpt = None,
    strict: StrictOpt = False,
    admin_port: AdminPortOpt = None,
    admin_host: AdminHostOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Host processes sharing the port (more than 1 needs a Redis backend).",
            show_default="1, or workers in stephost.toml",
        ),
    ] = None,
) -> None:
    """Serve the project (production: no file watching)."""
    _serve(
        project,
        host,
        port,
        watch=False,
        strict=strict,
        admin=(admin_host, admin_port),
        workers=workers,
    )


@app.command()
def runtime(
    connect: Annotated[
        str,
        typer.Option(
            "--connect",
            envvar="STEPHOST_CONNECT",
            help="The host's gateway for remote runtimes, HOST:PORT (gateway_port).",
        ),
    ],
    project: ProjectOpt = Path("."),
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="A file holding the runtime token (`stephost token create --role runtime`).",
            show_default="STEPHOST_RUNTIME_TOKEN",
        ),
    ] = None,
    tls: Annotated[
        bool, typer.Option("--tls", help="Dial over TLS, trusting the system's certificates.")
    ] = False,
    tls_ca: Annotated[
        Path | None,
        typer.Option(
            "--tls-ca",
            envvar="STEPHOST_TLS_CA",
            help="Dial over TLS, trusting the certificates of this PEM file.",
        ),
    ] = None,
    tls_server_name: Annotated[
        str,
        typer.Option(
            "--tls-server-name",
            help="The name the host's certificate carries, when HOST is not it.",
        ),
    ] = "",
    name: Annotated[
        str,
        typer.Option(
            "--name",
            help="What the host calls these runtimes (in health, and their group): give "
            "each `stephost runtime` serving one host from the same machine its own.",
            show_default="this machine's name",
        ),
    ] = "",
) -> None:
    """Run this folder's runtimes for a host elsewhere: they dial its gateway over TCP."""
    from .errors import ProjectError
    from .remote import Connect, RemoteRuntimes, read_token
    from .settings import load_settings

    project = project.resolve()
    if ":" not in connect or not connect.rsplit(":", 1)[1].isdigit():
        fail(
            f"--connect takes HOST:PORT (the host's gateway_host and gateway_port), got {connect!r}"
        )
    try:
        settings = load_settings(project, serving=False)
        target = Connect(
            connect,
            read_token(token_file),
            tls_ca=tls_ca.resolve() if tls_ca is not None else None,
            tls=tls,
            server_name=tls_server_name,
        )
        if tls_ca is not None and not tls_ca.is_file():
            raise ProjectError(f"--tls-ca {tls_ca}: no such file")
        raise typer.Exit(asyncio.run(RemoteRuntimes(project, settings, target, name).run()))
    except ProjectError as exc:
        fail(exc.message)


@app.command()
def gen(
    project: ProjectOpt = Path("."),
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the generated files are stale.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="A breaking contract change, or an unknown key in a step config, is an error.",
        ),
    ] = False,
) -> None:
    """Generate typed stubs from contracts/*.proto and the step configs."""
    from .gen.run import run_gen

    raise typer.Exit(run_gen(project.resolve(), check=check, strict=strict))


@app.command()
def doctor(project: ProjectOpt = Path(".")) -> None:
    """Report what in the project (one from Motia, say) stephost cannot run as written."""
    from .doctor import run_doctor

    raise typer.Exit(run_doctor(project.resolve()))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def test(ctx: typer.Context, project: ProjectOpt = Path(".")) -> None:
    """Run the project's tests: pytest files, and node:test files (*.test.ts / *.test.js).

    Extra arguments go to pytest (e.g. `stephost test -k flow -x`).
    """
    from .testrunner import run_tests

    raise typer.Exit(run_tests(project.resolve(), list(ctx.args)))


@app.command()
def new(
    directory: Annotated[Path, typer.Argument(help="Folder to create.")],
    npm: Annotated[
        bool,
        typer.Option(
            "--npm/--no-npm", help="Run `npm install` in the new project when npm is on PATH."
        ),
    ] = True,
) -> None:
    """Create a project with one api step, one event step, a test, type checks and CI."""
    import shutil
    import subprocess

    from .errors import ProjectError
    from .gen.run import run_gen
    from .scaffold import create_project

    try:
        files, source = create_project(directory)
    except ProjectError as exc:
        fail(exc.message)
    for path in files:
        typer.echo(f"created {path}")
    if source.note:
        typer.echo(f"warning: {source.note}; edit requirements.txt for CI", err=True)
    run_gen(directory.resolve(), check=False, strict=False)
    steps = [f"cd {directory}"]
    if npm and shutil.which("npm"):
        typer.echo("npm install (zod, typescript, the types of Node and stephost)")
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=directory,
            check=False,
        )
        if done.returncode != 0:
            typer.echo("warning: npm install failed; run it again in the project", err=True)
            steps.append("npm install")
    else:
        steps.append("npm install")
    steps.append(f"{_own_command()} dev")
    typer.echo(f"\nnext: {' && '.join(steps)}")


def _own_command() -> str:
    """How to run this stephost again: `stephost` when PATH finds it, else its full path."""
    import shutil
    import sys

    script = Path(sys.executable).parent / "stephost"
    found = shutil.which("stephost")
    if found is not None and Path(found).resolve() == script.resolve():
        return "stephost"
    return str(script) if script.exists() else f"{sys.executable} -m stephost_host.cli"


def _client(url: str | None) -> Any:
    from .client import HostClient

    if url is None:
        url = os.environ.get("STEPHOST_URL")
    if url is None:
        from .settings import load_settings

        try:
            settings = load_settings(Path(".").resolve(), serving=False)
            url = f"http://{settings.admin_host}:{settings.admin_listen_port}"
        except Exception:
            url = "http://127.0.0.1:3112"
    return HostClient(url, token=os.environ.get("STEPHOST_TOKEN", ""))


def _call(url: str | None, method: str, path: str, **kwargs: Any) -> Any:
    from .client import ClientError

    client = _client(url)
    try:
        return client.request(method, path, **kwargs)
    except ClientError as exc:
        fail(str(exc))
    finally:
        client.close()


def _parse_json(text: str, what: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        fail(f"{what} is not valid JSON: {exc}")


def _print_json(value: Any) -> None:
    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        typer.echo("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))


@app.command()
def emit(
    topic: str,
    data: Annotated[str, typer.Argument(help="The message data, as JSON.")] = "null",
    url: UrlOpt = None,
) -> None:
    """Publish a message on a topic."""
    body = {"topic": topic, "data": _parse_json(data, "DATA")}
    result = _call(url, "POST", "/emit", json=body)
    typer.echo(
        f"emitted {result['messageId']} to {', '.join(result['subscribers'])} "
        f"(trace {result['traceId']})"
    )


@app.command()
def steps(url: UrlOpt = None) -> None:
    """The catalog of the running host, as a table."""
    result = _call(url, "GET", "/steps")
    rows = []
    for step in result["steps"]:
        if step["type"] == "api":
            trigger = f"{step['method']} {step['path']}"
        elif step["type"] == "event":
            trigger = ", ".join(step.get("subscribes", []))
        elif step["type"] == "cron":
            trigger = step.get("cron", "")
        else:
            trigger = ""
        rows.append(
            [
                step["name"],
                step["type"],
                step["language"],
                trigger,
                ", ".join(step["emits"]),
                step["file"],
            ]
        )
    _table(rows, ["NAME", "TYPE", "LANGUAGE", "TRIGGER", "EMITS", "FILE"])
    for problem in result["problems"]:
        typer.echo(f"error: {problem_text(problem)}", err=True)
    for warning in result["warnings"]:
        typer.echo(f"warning: {warning}", err=True)


@state_app.command("get")
def state_get(group: str, key: str, url: UrlOpt = None) -> None:
    """Print one value."""
    _print_json(_call(url, "GET", f"/state/{group}/{key}")["value"])


@state_app.command("set")
def state_set(
    group: str,
    key: str,
    value: Annotated[str, typer.Argument(help="The value, as JSON.")],
    url: UrlOpt = None,
) -> None:
    """Write one value."""
    _parse_json(value, "VALUE")
    _call(
        url,
        "PUT",
        f"/state/{group}/{key}",
        content=value.encode(),
        headers={"content-type": "application/json"},
    )
    typer.echo(f"set {group}/{key}")


@state_app.command("list")
def state_list(group: str, url: UrlOpt = None) -> None:
    """Print every key and value of a group."""
    for item in _call(url, "GET", f"/state/{group}")["items"]:
        typer.echo(f"{item['key']}\t{orjson.dumps(item['value']).decode()}")


@dlq_app.command("list")
def dlq_list(
    step: Annotated[str | None, typer.Option(help="Only this step's.")] = None,
    url: UrlOpt = None,
) -> None:
    """The dead letters, oldest first."""
    params = {"step": step} if step else {}
    items = _call(url, "GET", "/dlq", params=params)["items"]
    rows = [
        [
            i["id"],
            i["step"],
            i["topic"],
            str(i["attempts"]),
            i["error"].get("code", ""),
            i["error"].get("message", "")[:80],
        ]
        for i in items
    ]
    _table(rows, ["ID", "STEP", "TOPIC", "ATTEMPTS", "CODE", "ERROR"])


@dlq_app.command("replay")
def dlq_replay(delivery_id: str, url: UrlOpt = None) -> None:
    """Send a dead letter to its step again, with fresh attempts."""
    result = _call(url, "POST", f"/dlq/{delivery_id}/replay")
    typer.echo(f"replayed {delivery_id} to {result['step']}")


@dlq_app.command("delete")
def dlq_delete(delivery_id: str, url: UrlOpt = None) -> None:
    """Drop a dead letter."""
    _call(url, "DELETE", f"/dlq/{delivery_id}")
    typer.echo(f"deleted {delivery_id}")


@dlq_app.command("show")
def dlq_show(delivery_id: str, url: UrlOpt = None) -> None:
    """One dead letter: its message, its attempts and the error that parked it, with stack."""
    letter = _call(url, "GET", f"/dlq/{delivery_id}")
    typer.echo(f"dead letter {letter['id']}: {letter['step']} on {letter['topic']}")
    typer.echo(f"  message   {letter['messageId']}")
    typer.echo(f"  trace     {letter['traceId']}  (stephost trace {letter['traceId']})")
    typer.echo(f"  attempts  {letter['attempts']}")
    typer.echo("  data      " + orjson.dumps(letter["data"]).decode())
    typer.echo(render_error(letter["error"]))


@cron_app.command("run")
def cron_run(name: str, url: UrlOpt = None) -> None:
    """Run a cron step now, once (its schedule is not touched)."""
    result = _call(url, "POST", f"/cron/{name}/run")
    typer.echo(f"queued a run of {result['step']} (trace {result['traceId']})")


@app.command()
def trace(trace_id: str, url: UrlOpt = None) -> None:
    """One trace: its spans (hops and the calls handlers made) as a tree, in every
    language, then its log lines."""
    result = _call(url, "GET", f"/traces/{trace_id}")
    typer.echo(f"trace {trace_id}")
    for depth, span in span_tree(result["spans"]):
        status = "" if span["status"] == "ok" else f"  {span['status'].upper()}"
        typer.echo(
            f"{'  ' * (depth + 1)}{span['name']}  {span['step']} ({span['language']})"
            f"  {span['durationMs']:.1f} ms{status}"
        )
    if result["logs"]:
        typer.echo("logs")
        for line in result["logs"]:
            typer.echo(render_log_line(line))


@app.command()
def logs(
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new lines until Ctrl-C.")
    ] = False,
    trace_id: Annotated[str | None, typer.Option("--trace", help="Only this trace's.")] = None,
    step: Annotated[str | None, typer.Option("--step", help="Only this step's.")] = None,
    url: UrlOpt = None,
) -> None:
    """The running host's recent log lines (every runtime's included), oldest first."""
    import time

    params: dict[str, Any] = {k: v for k, v in (("trace", trace_id), ("step", step)) if v}
    client = _client(url)
    from .client import ClientError

    try:
        after = 0
        while True:
            result = client.request("GET", "/logs", params={**params, "after": after})
            for line in result["items"]:
                typer.echo(render_log_line(line))
            after = result["last"]
            if not follow:
                return
            time.sleep(0.5)
    except ClientError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        pass
    finally:
        client.close()


def _api_keys(project: Path) -> Any:
    from .auth.keys import ApiKeyStore
    from .errors import ProjectError
    from .settings import load_settings

    try:
        settings = load_settings(project.resolve(), serving=False)
        store = ApiKeyStore(settings.data_dir, settings.api_keys)
    except ProjectError as exc:
        fail(exc.message)
    return store


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Option("--name", help="What the key is for (unique).")],
    project: ProjectOpt = Path("."),
) -> None:
    """Make a key; it is printed once (the data folder keeps only its hash)."""
    from .auth.keys import ApiKeyError

    try:
        key = _api_keys(project).create(name)
    except ApiKeyError as exc:
        fail(exc.message)
    typer.echo(key)


@apikey_app.command("list")
def apikey_list(project: ProjectOpt = Path(".")) -> None:
    """Every key's name, start, and where it comes from (never the key)."""
    rows = []
    for key in _api_keys(project).listed():
        created = key.created_unix_s
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(created)) if created else "-"
        rows.append([key.name, f"{key.hint}...", key.source, when])
    _table(rows, ["NAME", "KEY", "FROM", "CREATED (UTC)"])


@apikey_app.command("revoke")
def apikey_revoke(name: str, project: ProjectOpt = Path(".")) -> None:
    """Delete a key; a running host refuses it from its next request on."""
    from .auth.keys import ApiKeyError

    try:
        _api_keys(project).revoke(name)
    except ApiKeyError as exc:
        fail(exc.message)
    typer.echo(f"revoked {name}")


def _admin_tokens(project: Path) -> Any:
    from .admin_tokens import TokenStore
    from .errors import ProjectError
    from .settings import load_settings

    try:
        return TokenStore(load_settings(project.resolve(), serving=False).data_dir)
    except ProjectError as exc:
        fail(exc.message)


@token_app.command("create")
def token_create(
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="viewer (read), operator (emit, replay, cron, state), admin (delete, "
            "settings); runtime: a remote runtime's (`stephost runtime --connect`).",
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="A note: who or what it is for.")] = "",
    project: ProjectOpt = Path("."),
) -> None:
    """Make a token; it is printed once (the data folder keeps only its hash)."""
    from .admin_tokens import TokenError

    try:
        _made, token = _admin_tokens(project).create(role, name)
    except TokenError as exc:
        fail(exc.message)
    typer.echo(token)


@token_app.command("list")
def token_list(project: ProjectOpt = Path(".")) -> None:
    """Every token's id, role, start and note (never the token)."""
    rows = []
    for token in _admin_tokens(project).listed():
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(token.created_unix_s))
        rows.append([token.id, token.role, f"{token.hint}...", token.name or "-", when])
    _table(rows, ["ID", "ROLE", "TOKEN", "NAME", "CREATED (UTC)"])


@token_app.command("revoke")
def token_revoke(token_id: str, project: ProjectOpt = Path(".")) -> None:
    """Delete a token (by id); a running host refuses it from its next request (or
    runtime connection) on."""
    from .admin_tokens import TokenError

    try:
        gone = _admin_tokens(project).revoke(token_id)
    except TokenError as exc:
        fail(exc.message)
    typer.echo(f"revoked {gone.id} ({gone.role})")


# The commands that start a host: settle_gc() turns the collector back on once it serves.
HOST_COMMANDS = ("start", "dev")


@app.callback()
def _collector_on(ctx: typer.Context) -> None:
    """Start-up runs without the garbage collector (see ``settle_gc``); every command
    but a host's turns it back on here."""
    if ctx.invoked_subcommand not in HOST_COMMANDS:
        gc.enable()


def main() -> None:
    gc.disable()
    app(prog_name="stephost")


if __name__ == "__main__":
    main()
