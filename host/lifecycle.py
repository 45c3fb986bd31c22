"""Starting and stopping: what the host holds while it runs, and in which order it goes.

- ``DataDirLock``: one host per data folder.
- ``Runtimes``: the gateway runtimes dial (a Unix socket of the data folder, opened
  only by the keys the supervisor hands its children; and, when configured, a TCP
  listener for remote runtimes with a runtime token), the pool that routes to them
  and the supervisor of their processes, started and stopped as one (the host and
  `stephost gen`'s probe both use it).
- ``data_dir_errors``: a data folder the host cannot use is a one-line error.
- ``preload_modules`` imports, while the runtimes boot, what is needed once they are up.
- ``settle_gc`` keeps the garbage collector off the request path once all is loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .admin_tokens import TokenStore
from .bridge.admission import Admission
from .bridge.calls import HostServices
from .bridge.connection import RuntimeConnection
from .bridge.gateway import Gateway, RemoteListener, local_address
from .errors import ProjectError, StorageError
from .model import RuntimeInfo
from .runtimes.pool import RuntimePool
from .runtimes.prewarm import Prewarmed
from .runtimes.supervisor import ManagedRuntime, RuntimeSupervisor
from .settings import Settings


@contextlib.contextmanager
def data_dir_errors(data_dir: Path) -> Iterator[None]:
    """A data folder the host cannot write (read-only, not a folder, full) raises a
    ProjectError that says which folder and why, in one line."""
    try:
        yield
    except (OSError, sqlite3.Error, StorageError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectError(
            f"cannot use the data folder {data_dir}: {reason}; give the host a folder it "
            "can write (STEPHOST_DATA_DIR or data_dir in stephost.toml)"
        ) from None


def preload_modules() -> None:
    """Imports what the host needs once its runtimes are ready: jsonschema (about 40 ms,
    for the schemas they announce). Run in a thread while they boot; nothing waits for
    it (a module still loading when needed is waited for by the import lock)."""
    import jsonschema.validators  # noqa: F401


def settle_gc() -> None:
    """Keep the garbage collector off the request path, and turn it back on.

    Everything loaded at start-up lives as long as the process, so it moves to the
    permanent generation (``gc.freeze``): full collections then scan only what
    requests create, instead of the whole framework each time (p99 spikes of 20 ms).
    `stephost start` and `dev` start with the collector off (``host.cli``), as its
    passes over what start-up loads would find nearly nothing to free (a few hundred
    objects, frozen with the rest) and cost a fifth of the start.
    """
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
    gc.enable()


class DataDirLock:
    """One host per data folder: two would both lease the same deliveries."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._path = data_dir / "host.lock"
        self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(self._fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(self._fd)
            raise ProjectError(
                f"another stephost host (pid {holder}) is using {data_dir}; stop it first, "
                "or give this one its own STEPHOST_DATA_DIR"
            ) from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, str(os.getpid()).encode())

    def release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)


class Runtimes:
    """The runtime processes of a project, and the door they come in by.

    ``start()`` listens and launches every language's processes, without waiting;
    ``until_ready()`` waits for their Hellos. ``announced`` holds what the latest
    runtime of each group (``host.runtimes.groups``) said it serves.
    """

    def __init__(
        self,
        project: Path,
        settings: Settings,
        *,
        processes: dict[str, int],
        drain_grace_s: float,
        env: dict[str, str],
        prewarmed: Prewarmed | None = None,
    ) -> None:
        self.pool = RuntimePool()
        self.announced: dict[str, RuntimeInfo] = {}
        self.pool.add_listener(self._remember)
        self._project = project
        self._settings = settings
        self._processes = processes
        self._drain_grace_s = drain_grace_s
        self._env = env
        self._prewarmed = prewarmed
        self._gateway: Gateway | None = None
        self._socket_dir: Path | None = None
        self._supervisor: RuntimeSupervisor | None = None

    @property
    def supervisor(self) -> RuntimeSupervisor:
        if self._supervisor is None:
            raise RuntimeError("the runtimes have not been started")
        return self._supervisor

    def _remember(self, conn: RuntimeConnection, attached: bool) -> None:
        if attached:
            self.announced[conn.group] = conn.info

    async def start(self, languages: list[str], services: HostServices) -> list[ManagedRuntime]:
        """Listen, and launch the processes of ``languages``; handlers' calls go to
        ``services``."""
        remote = RemoteListener.of(self._settings)
        # Remote runtimes come in with a runtime token of the data folder.
        admission = Admission(TokenStore(self._settings.data_dir) if remote else None)
        self._gateway = Gateway(self.pool, services, admission)
        listen, self._socket_dir = local_address(self._settings.data_dir)
        address = await self._gateway.start(listen, remote)
        self._supervisor = RuntimeSupervisor(
            self._project,
            self.pool,
            address,
            admission,
            processes=self._processes,
            start_timeout_s=self._settings.runtime_start_timeout_s,
            drain_grace_s=self._drain_grace_s,
            env=self._env,
            prewarmed=self._prewarmed,
        )
        return await self._supervisor.launch(languages)

    async def until_ready(self, launched: list[ManagedRuntime]) -> None:
        await self.supervisor.until_ready(launched)

    def infos(self) -> list[RuntimeInfo]:
        """What each group's runtime announced, by group."""
        return [self.announced[group] for group in sorted(self.announced)]

    async def stop(self, grace_s: float = 1.0) -> None:
        """Drain and stop every process, then stop listening."""
        if self._supervisor is not None:
            await self._supervisor.stop()
        if self._gateway is not None:
            await self._gateway.stop(grace_s)
        if self._socket_dir is not None and self._socket_dir.name != "run":
            shutil.rmtree(self._socket_dir, ignore_errors=True)  # a temp folder of its own
