"""Remote runtimes: the runtimes of a project folder here, serving a host elsewhere.

``stephost runtime --connect HOST:PORT`` launches one runtime process per language of
the folder's step files (``processes`` per language in its ``stephost.toml``), each
dialing the host's gateway over TCP (TLS when asked) with a runtime token as its key.
The host admits them by that token (``host.bridge.admission``) and routes to their
steps as to its own.

Like ``RuntimeSupervisor``: each child runs in its own process group, and one that
exits is started again with backoff (a host that went away makes its runtimes exit;
the fresh ones dial until it is back). A child dies with this process, even on
kill -9 (Linux: the parent-death signal). A runtime the host refused (exit code 2: a
wrong token, another contract version) stops them all: retrying would not help.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .children import die_with_parent, stop_group
from .errors import ProjectError
from .runtimes.languages import LANGUAGES, step_files
from .runtimes.prewarm import PARAM_ENVS, launch_env, runtime_env
from .settings import Settings

RESTART_BACKOFF_S = (0.05, 0.2, 0.5, 1.0, 2.0, 5.0)
STABLE_AFTER_S = 30.0
REFUSED = 2  # the exit code of a runtime the host refused


@dataclass(frozen=True, slots=True)
class Connect:
    """Where the host's gateway is, and how to reach it."""

    address: str  # host:port
    token: str
    tls_ca: Path | None = None  # the certificates to trust (implies TLS)
    tls: bool = False  # TLS, trusting the system's certificates
    server_name: str = ""  # the name the host's certificate carries, if not the address's

    def env(self) -> dict[str, str]:
        """What a runtime process needs in its environment to dial."""
        env = {
            PARAM_ENVS["address"]: self.address,
            PARAM_ENVS["key"]: self.token,
            "STEPHOST_CONNECT_TIMEOUT_S": "0",  # dial until the host is there
        }
        if self.tls_ca is not None:
            env["STEPHOST_TLS_CA"] = str(self.tls_ca)
        elif self.tls:
            env["STEPHOST_TLS"] = "1"
        if self.server_name:
            env["STEPHOST_TLS_SERVER_NAME"] = self.server_name
        return env


def read_token(token_file: Path | None) -> str:
    """The runtime token: from ``token_file``, else STEPHOST_RUNTIME_TOKEN."""
    if token_file is not None:
        try:
            token = token_file.read_text().strip()
        except OSError as exc:
            raise ProjectError(f"cannot read the token file {token_file}: {exc.strerror}") from None
        if not token:
            raise ProjectError(f"the token file {token_file} is empty")
        return token
    token = os.environ.get("STEPHOST_RUNTIME_TOKEN", "").strip()
    if not token:
        raise ProjectError(
            "a remote runtime needs a runtime token: --token-file FILE, or "
            "STEPHOST_RUNTIME_TOKEN (make one on the host: `stephost token create --role runtime`)"
        )
    return token


def say(message: str) -> None:
    print(f"stephost runtime: {message}", file=sys.stderr, flush=True)


class RemoteRuntimes:
    """The runtime processes of ``project``, dialing the host ``connect`` names."""

    def __init__(self, project: Path, settings: Settings, connect: Connect, name: str = "") -> None:
        self._project = project
        self._settings = settings
        self._connect = connect
        self._name = name or socket.gethostname()
        self._ids = itertools.count(1)
        self._children: set[asyncio.subprocess.Process] = set()
        self._stopping = asyncio.Event()
        self._refused: str = ""

    def languages(self) -> list[str]:
        """The languages of the project's step files; ProjectError when there is none."""
        found = sorted(step_files(self._project))
        if not found:
            raise ProjectError(
                f"no step files in {self._project} (steps/ or src/): nothing to serve"
            )
        for language in found:
            LANGUAGES[language].command()  # Node or Ruby missing: say so now
        return found

    async def run(self) -> int:
        """Run until SIGINT or SIGTERM (0), or until the host refuses a runtime (2)."""
        languages = self.languages()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stopping.set)
        keepers = [
            asyncio.create_task(self._keep(language))
            for language in languages
            for _ in range(self._settings.runtime(language).processes)
        ]
        say(f"serving {', '.join(languages)} steps of {self._project} to {self._connect.address}")
        await self._stopping.wait()
        for keeper in keepers:
            keeper.cancel()
        await asyncio.gather(*(stop_group(child, 10.0) for child in list(self._children)))
        await asyncio.gather(*keepers, return_exceptions=True)
        if self._refused:
            say(f"error: {self._refused}")
            return REFUSED
        return 0

    async def _keep(self, language: str) -> None:
        """Keep one runtime of ``language`` running: start it again when it exits."""
        failures = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            child = await self._launch(language)
            code = await child.wait()
            self._children.discard(child)
            if self._stopping.is_set():
                return
            if code == REFUSED:
                self._refused = f"the host refused the {language} runtime (see above); stopping"
                self._stopping.set()
                return
            failures = 0 if time.monotonic() - started > STABLE_AFTER_S else failures + 1
            delay = RESTART_BACKOFF_S[min(failures, len(RESTART_BACKOFF_S) - 1)]
            say(
                f"the {language} runtime (pid {child.pid}) exited with code {code}; "
                f"starting it again in {delay:g}s"
            )
            await asyncio.sleep(delay)

    async def _launch(self, language: str) -> asyncio.subprocess.Process:
        # <language>@<name>/<instance>: the host's admission reads it (host.bridge.admission)
        runtime_id = f"{language}@{self._name}/{os.getpid()}-{next(self._ids)}"
        params = {**self._connect.env(), PARAM_ENVS["id"]: runtime_id}
        env = launch_env(self._project, {**runtime_env(self._settings), **params})
        env.pop("STEPHOST_RUNTIME_TOKEN", None)
        try:
            child = await asyncio.create_subprocess_exec(
                *LANGUAGES[language].command(),
                cwd=self._project,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent(signal.SIGKILL),
            )
        except OSError as exc:
            raise ProjectError(f"cannot start the {language} runtime: {exc}") from None
        self._children.add(child)
        say(f"started the {language} runtime {runtime_id} (pid {child.pid})")
        return child
