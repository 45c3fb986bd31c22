"""``stephost start --workers N``: N host processes on one machine, sharing one port.

The parent binds N listening sockets to the port with SO_REUSEPORT, so the kernel
spreads new connections over them, and starts one ``stephost start`` per socket; each
worker is a whole host with its own runtimes, and they share the backend (Redis: a
SQLite file serves one host process). The parent keeps the sockets: a worker that
dies is started again on the same socket (connections meanwhile wait in its backlog).
SIGTERM or SIGINT to the parent stops every worker, each draining as one host does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .children import die_with_parent
from .errors import ProjectError
from .settings import Settings
from .telemetry import get_logger

log = get_logger(component="workers")

# The inherited listening socket and the worker's number, for a worker process.
LISTEN_FD_ENV = "STEPHOST_LISTEN_FD"
WORKER_ENV = "STEPHOST_WORKER_INDEX"
RESTART_DELAY_S = 1.0
# A worker that exits with this code could not start (bad project, Redis unreachable):
# starting it again would fail the same way, so the parent stops.
START_FAILED = 1


def check_workers(settings: Settings) -> None:
    """N > 1 needs a backend that several host processes can share."""
    if settings.workers > 1 and not settings.backend_url:
        raise ProjectError(
            f"{settings.workers} workers need a shared backend, and SQLite serves one host "
            'process: set backend = "redis://…" in stephost.toml (or STEPHOST_BACKEND_URL), '
            "or run one worker"
        )


def bind_shared(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` listening sockets on one port (port 0: the first picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.listen(2048)
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise ProjectError(f"port {port} on {host} cannot be shared by workers: {exc}") from None
    return sockets


def listen_socket() -> socket.socket | None:
    """In a worker: the listening socket its parent handed over, if any."""
    fd = os.environ.get(LISTEN_FD_ENV)
    if not fd:
        return None
    sock = socket.socket(fileno=int(fd))
    sock.setblocking(False)
    return sock


def worker_index() -> int:
    return int(os.environ.get(WORKER_ENV) or 0)


class WorkerParent:
    """Starts the workers, restarts one that dies, stops them all on a signal."""

    def __init__(self, project: Path, settings: Settings, args: list[str]) -> None:
        self._project = project
        self._settings = settings
        self._args = args  # passed on to each worker's `stephost start`
        self._sockets = bind_shared(settings.host, settings.port, settings.workers)
        self._workers: dict[int, subprocess.Popen[bytes]] = {}
        self._stopping = False

    def _spawn(self, index: int) -> None:
        sock = self._sockets[index]
        env = {
            **os.environ,
            LISTEN_FD_ENV: str(sock.fileno()),
            WORKER_ENV: str(index),
            "STEPHOST_WORKERS": "1",
        }
        command = [sys.executable, "-m", "stephost_host.cli", "start", "-C", str(self._project)]
        port = str(sock.getsockname()[1])
        self._workers[index] = subprocess.Popen(
            [*command, "--host", self._settings.host, "--port", port, *self._admin(), *self._args],
            env=env,
            pass_fds=(sock.fileno(),),
            # Its own process group: a signal to the parent's group reaches each worker
            # once, forwarded (a host takes a second SIGTERM as "stop at once").
            start_new_session=True,
            # SIGTERM when the parent dies, even by kill -9: no worker outlives it.
            preexec_fn=die_with_parent(signal.SIGTERM),
        )

    def _admin(self) -> list[str]:
        """The admin listener's address as the parent's settings have it (the first
        worker serves it; a port of 0 stays a free one, not the api port + 1)."""
        s = self._settings
        return ["--admin-host", s.admin_host, "--admin-port", str(s.admin_listen_port)]

    def _stop(self, *_: object) -> None:
        self._stopping = True
        for process in self._workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        port = self._sockets[0].getsockname()[1]
        log.info("starting workers", workers=len(self._sockets), port=port)
        for index in range(len(self._sockets)):
            self._spawn(index)
        code = 0
        while self._workers:
            time.sleep(0.2)
            for index, process in list(self._workers.items()):
                status = process.poll()
                if status is None:
                    continue
                del self._workers[index]
                if self._stopping:
                    continue
                if status == START_FAILED:
                    log.error("a worker could not start; stopping the others", worker=index)
                    code = START_FAILED
                    self._stop()
                    continue
                log.warning("worker exited; starting it again", worker=index, status=status)
                time.sleep(RESTART_DELAY_S)
                self._spawn(index)
        for sock in self._sockets:
            sock.close()
        return code
