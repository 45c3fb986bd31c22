"""Remote runtimes: `stephost runtime --connect HOST:PORT` runs a project folder's
runtimes (Python, Node, Ruby) for a host elsewhere. Here "elsewhere" is another folder
and another TCP port on loopback: the runtimes reach the host only through its
gateway's TCP listener, with a runtime token (and TLS), never through its data folder.

With the right token their steps join the catalog and run; a wrong token (or an admin
token) is refused before any step registers, and revoking the token lets its runtimes
go; a kill -9 of a remote runtime loses no event; runtimes started before the host dial
until it is up, and again after it restarts."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stephost_host.admin_tokens import TokenStore
from stephost_host.testing import HarnessError, StephostApp
from tests.ports import free_port
from tests.remote.certs import make_certs

pytestmark = pytest.mark.integration

PROJECTS = Path(__file__).parent / "projects"
DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy"
LANGUAGES = ("node", "python", "ruby")


class Launcher:
    """A `stephost runtime --connect` process, its output in a file."""

    def __init__(self, folder: Path, address: str, token: str, *args: str) -> None:
        self.log = folder.parent / f"{folder.name}-runtime.log"
        env = {**os.environ, "STEPHOST_RUNTIME_TOKEN": token}
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "stephost_host.cli",
                    "runtime",
                    "--connect",
                    address,
                    "-C",
                    str(folder),
                    *args,
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                return self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait()


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the host's project (a Python step of its own) and of the remote one."""
    host = shutil.copytree(PROJECTS / "host", tmp_path / "host")
    remote = shutil.copytree(PROJECTS / "remote", tmp_path / "remote")
    return host, remote


@pytest.fixture
def launchers() -> Iterator[list[Launcher]]:
    started: list[Launcher] = []
    yield started
    for launcher in started:
        launcher.stop()


def gateway_env(port: int = 0, **extra: str) -> dict[str, str]:
    return {"STEPHOST_GATEWAY_HOST": "127.0.0.1", "STEPHOST_GATEWAY_PORT": str(port), **extra}


def gateway_address(app: StephostApp) -> str:
    (line,) = [x for x in app.lines if x.get("event") == "listening for remote runtimes"]
    address: str = line["address"]
    return address


def runtime_token(data_dir: Path, role: str = "runtime") -> str:
    return TokenStore(data_dir).create(role, "test")[1]


def remote_runtimes(app: StephostApp) -> list[dict[str, Any]]:
    return [r for r in app.health()["runtimes"] if r["where"] != "local"]


def wait_for_languages(app: StephostApp, launcher: Launcher, timeout_s: float = 60) -> None:
    def joined() -> bool:
        if launcher.process.poll() is not None:
            raise HarnessError(f"the launcher exited; its output:\n{launcher.output()}")
        return sorted(r["language"] for r in remote_runtimes(app)) == list(LANGUAGES)

    app.wait_for(joined, timeout_s, "the remote runtimes to join")


def joined(app: StephostApp, remote: Path, token: str, launchers: list[Launcher]) -> Launcher:
    """`stephost runtime` for ``remote``, once its runtimes of every language joined."""
    launcher = Launcher(remote, gateway_address(app), token)
    launchers.append(launcher)
    wait_for_languages(app, launcher)
    return launcher


def running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left for init to reap does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_remote_steps_run_with_a_runtime_token(
    folders: tuple[Path, Path], launchers: list[Launcher], tmp_path: Path
) -> None:
    host, remote = folders
    data_dir = tmp_path / "data"
    token = runtime_token(data_dir)
    with StephostApp(host, data_dir=data_dir, env=gateway_env()) as app:
        launcher = joined(app, remote, token, launchers)
        for language in LANGUAGES:
            response = app.get(f"/where/{language}")
            assert response.status_code == 200, response.text
            assert response.json()["language"] == language
        machine = socket.gethostname()
        for runtime in remote_runtimes(app):  # where each runs: its machine and address
            assert runtime["where"].startswith(f"{machine} at 127.0.0.1:")
            assert runtime["id"].startswith(f"{runtime['language']}@{machine}/")
            assert runtime["group"] == f"{runtime['language']}@{machine}"  # a group of its own
        for item in app.get("/_stephost/runtimes").json()["items"]:  # the Workbench's view
            remote = item["where"] != "local"
            assert (item["rssBytes"] is None) == remote  # a remote pid is another machine's
        # The host's own Python runtime serves beside the remote one, each its own steps.
        local = app.get("/where/local").json()
        assert local["pid"] in [r["pid"] for r in app.health()["runtimes"] if r["where"] == "local"]
        assert app.get("/where/python").json()["pid"] != local["pid"]
        names = {step["name"] for step in app.get("/_stephost/steps").json()["steps"]}
        assert {"WherePython", "WhereNode", "WhereRuby", "Work"} <= names
        app.emit("work.requested", {"id": "w1"})
        app.wait_idle()
        assert app.state.get("work-done", "w1") is True
        assert launcher.stop() == 0  # the remote runtimes are gone: their routes answer 503
        app.wait_for(lambda: remote_runtimes(app) == [], 30, "the remote runtimes to leave")
        gone = app.get("/where/node")
        assert gone.status_code == 503, gone.text


@pytest.mark.parametrize("role", ["none", "wrong", "viewer"])
def test_a_wrong_token_is_refused_before_any_step_registers(
    role: str, folders: tuple[Path, Path], launchers: list[Launcher], tmp_path: Path
) -> None:
    host, remote = folders
    data_dir = tmp_path / "data"
    runtime_token(data_dir)  # the right one exists, and is not the one sent
    token = {"none": "", "wrong": "sht_wrong", "viewer": runtime_token(data_dir, "viewer")}[role]
    with StephostApp(host, data_dir=data_dir, env=gateway_env()) as app:
        launcher = Launcher(remote, gateway_address(app), token)
        launchers.append(launcher)
        code = launcher.process.wait(60)
        output = launcher.output()
        if role == "none":
            assert code == 1 and "a remote runtime needs a runtime token" in output
            return
        assert code == 2, output
        # The first runtime refused stops the launcher; Python and Ruby write
        # "(UNAUTHENTICATED): <details>", Node "(UNAUTHENTICATED: <details>)".
        assert "host refused the runtime (UNAUTHENTICATED" in output
        assert "the host refused the" in output
        refusals = [x for x in app.lines if x.get("event") == "runtime refused at the gateway"]
        assert refusals and all("127.0.0.1" in x["peer"] for x in refusals)
        assert remote_runtimes(app) == []
        steps = app.get("/_stephost/steps").json()["steps"]
        assert [step["name"] for step in steps] == ["WhereLocal"]
        assert app.get("/where/python").status_code == 404


def test_revoking_the_runtime_token_lets_its_runtimes_go(
    folders: tuple[Path, Path], launchers: list[Launcher], tmp_path: Path
) -> None:
    host, remote = folders
    data_dir = tmp_path / "data"
    tokens = TokenStore(data_dir)
    made, token = tokens.create("runtime", "test")
    with StephostApp(host, data_dir=data_dir, env=gateway_env()) as app:
        launcher = joined(app, remote, token, launchers)
        tokens.revoke(made.id)  # what `stephost token revoke <id>` does
        app.wait_for(lambda: remote_runtimes(app) == [], 30, "the remote runtimes to be let go")
        assert app.get("/where/node").status_code == 503
        assert app.get("/where/local").status_code == 200  # the host's own runtime stays
        code = launcher.process.wait(60)
        output = launcher.output()
        assert code == 2, output  # dialing again, they are refused: the launcher stops
        # The first runtime refused stops the launcher; Python and Ruby write
        # "(UNAUTHENTICATED): <details>", Node "(UNAUTHENTICATED: <details>)".
        assert "host refused the runtime (UNAUTHENTICATED" in output
        # Dialing again with the revoked token: the refusal says it may be revoked.
        assert "an unknown runtime key (mistyped, or its runtime token was revoked)" in output
        for language in LANGUAGES:  # each runtime said why its connection ended
            assert (
                f"stephost {language} runtime: the connection to the host ended (UNAUTHENTICATED:"
                f" the host let go of it: its runtime token {made.id} was revoked)" in output
            ), output
        let_go = [x for x in app.lines if x.get("event") == "remote runtime disconnected"]
        assert sorted(x["runtime_id"].split("@")[0] for x in let_go) == list(LANGUAGES)
        assert all(x["reason"] == f"its runtime token {made.id} was revoked" for x in let_go)


def test_kill_9_of_a_remote_runtime_loses_no_event(
    folders: tuple[Path, Path], launchers: list[Launcher], tmp_path: Path
) -> None:
    host, remote = folders
    data_dir = tmp_path / "data"
    token = runtime_token(data_dir)
    with StephostApp(host, data_dir=data_dir, env=gateway_env()) as app:
        launcher = joined(app, remote, token, launchers)
        (python,) = [r for r in remote_runtimes(app) if r["language"] == "python"]
        ids = [f"job-{i}" for i in range(12)]
        for job in ids:
            app.emit("work.requested", {"id": job, "sleep_s": 0.5})
        app.wait_for(lambda: app.state.list("work-started"), 30, "a job to start")
        running = {x["key"] for x in app.state.list("work-started")} - {
            x["key"] for x in app.state.list("work-done")
        }
        os.kill(python["pid"], signal.SIGKILL)
        app.wait_for(
            lambda: any(
                r["language"] == "python" and r["pid"] != python["pid"]
                for r in remote_runtimes(app)
            ),
            60,
            "the launcher to start the Python runtime again",
        )
        app.wait_idle(60)
        done = {item["key"] for item in app.state.list("work-done")}
        assert done == set(ids)
        assert app.dlq() == []
        assert running, "the kill came while jobs ran (each sleeps 0.5 s)"
        assert "exited with code -9; starting it again" in launcher.output()


def test_the_runtimes_die_with_a_killed_launcher_and_a_new_one_finishes_the_work(
    folders: tuple[Path, Path], launchers: list[Launcher], tmp_path: Path
) -> None:
    host, remote = folders
    data_dir = tmp_path / "data"
    token = runtime_token(data_dir)
    with StephostApp(host, data_dir=data_dir, env=gateway_env()) as app:
        first = Launcher(remote, gateway_address(app), token)
        launchers.append(first)
        wait_for_languages(app, first)
        pids = [r["pid"] for r in remote_runtimes(app)]
        for job in range(6):
            app.emit("work.requested", {"id": f"job-{job}", "sleep_s": 0.5})
        app.wait_for(lambda: app.state.list("work-started"), 30, "a job to start")
        os.kill(first.process.pid, signal.SIGKILL)  # the launcher alone, not its children
        first.process.wait(10)
        app.wait_for(lambda: remote_runtimes(app) == [], 30, "its runtimes to die with it")
        assert not any(running(pid) for pid in pids)
        assert app.get("/where/python").status_code == 503  # nobody serves it meanwhile
        second = Launcher(remote, gateway_address(app), token)
        launchers.append(second)
        wait_for_languages(app, second)
        app.wait_idle(60)
        assert {x["key"] for x in app.state.list("work-done")} == {f"job-{i}" for i in range(6)}
        assert app.dlq() == []


def test_runtimes_dial_until_the_host_is_up_and_again_after_it_restarts(
    folders: tuple[Path, Path], launchers: list[Launcher], tmp_path: Path
) -> None:
    host, remote = folders
    data_dir = tmp_path / "data"
    token = runtime_token(data_dir)
    port = free_port()
    launcher = Launcher(remote, f"127.0.0.1:{port}", token)
    launchers.append(launcher)
    env = gateway_env(port)
    # The host starts only once a dial failed (else a quick host could be up first).
    deadline = time.monotonic() + 30
    while "cannot reach the host at 127.0.0.1" not in launcher.output():
        assert launcher.process.poll() is None, launcher.output()
        assert time.monotonic() < deadline, launcher.output()
        time.sleep(0.05)
    with StephostApp(host, data_dir=data_dir, env=env) as app:
        wait_for_languages(app, launcher)
        assert "Traceback" not in launcher.output()
    with StephostApp(host, data_dir=data_dir, env=env) as app:
        wait_for_languages(app, launcher)
        assert app.get("/where/ruby").json()["language"] == "ruby"
    assert launcher.process.poll() is None


def test_tls_with_certificate_files(
    folders: tuple[Path, Path], launchers: list[Launcher], tmp_path: Path
) -> None:
    host, remote = folders
    data_dir = tmp_path / "data"
    token = runtime_token(data_dir)
    certs = make_certs(tmp_path / "certs")
    env = gateway_env(
        STEPHOST_GATEWAY_TLS_CERT=str(certs.cert), STEPHOST_GATEWAY_TLS_KEY=str(certs.key)
    )
    with StephostApp(host, data_dir=data_dir, env=env) as app:
        (line,) = [x for x in app.lines if x.get("event") == "listening for remote runtimes"]
        assert line["tls"] is True
        address = gateway_address(app)
        plain = Launcher(remote, address, token)  # no TLS: never gets through
        launchers.append(plain)
        app.wait_for(lambda: "cannot reach the host" in plain.output(), 30, "a refused dial")
        assert remote_runtimes(app) == []
        plain.stop()
        launcher = Launcher(remote, address, token, "--tls-ca", str(certs.ca))
        launchers.append(launcher)
        wait_for_languages(app, launcher)
        for language in LANGUAGES:
            assert app.get(f"/where/{language}").json()["language"] == language


def test_the_runtime_procfile_runs_as_the_readme_says(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    """docs/deploy/Procfile.runtime under honcho, configured only by its environment
    (gateway, token, CA), serves the remote steps over TLS and stops cleanly on SIGTERM."""
    host, remote = folders
    data_dir = tmp_path / "data"
    token = runtime_token(data_dir)
    certs = make_certs(tmp_path / "certs")
    env = gateway_env(
        STEPHOST_GATEWAY_TLS_CERT=str(certs.cert), STEPHOST_GATEWAY_TLS_KEY=str(certs.key)
    )
    with StephostApp(host, data_dir=data_dir, env=env) as app:
        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "-f", str(DEPLOY / "Procfile.runtime"), "start"],
            cwd=remote,  # as the Procfile says: run from the project folder
            env={
                **os.environ,
                "STEPHOST_CONNECT": gateway_address(app),
                "STEPHOST_RUNTIME_TOKEN": token,
                "STEPHOST_TLS_CA": str(certs.ca),
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            },
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            app.wait_for(
                lambda: (
                    honcho.poll() is not None
                    or sorted(r["language"] for r in remote_runtimes(app)) == list(LANGUAGES)
                ),
                60,
                "the Procfile's runtimes to join",
            )
            assert honcho.poll() is None, honcho.communicate()[0]
            assert app.get("/where/node").json()["language"] == "node"
            honcho.send_signal(signal.SIGTERM)
            output, _ = honcho.communicate(timeout=30)
        finally:
            if honcho.poll() is None:
                os.killpg(honcho.pid, signal.SIGKILL)
                honcho.wait()
        assert "runtimes.1 stopped (rc=0)" in output, output  # stephost runtime: a clean stop
        app.wait_for(lambda: remote_runtimes(app) == [], 30, "the runtimes to leave")
