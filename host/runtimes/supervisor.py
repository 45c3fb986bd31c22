"""Launches runtime processes, knows when they are ready, restarts them when they die.

Each child runs in its own process group (so a signal to the host's terminal
never reaches it and a kill takes its whole tree), is ready when its Hello
arrives (never after a sleep), and has its stdout/stderr folded into the host's
log with ``runtime=<language>`` bound. Each child gets a ticket of its own
(``host.bridge.admission``): the key that lets it through the gateway, in its
environment only, good until the child exits. A child that dies unexpectedly is
restarted with backoff; its in-flight invocations fail as RUNTIME_LOST and the
bus redelivers the events among them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..bridge.admission import KEY_ENV, Admission, Ticket
from ..bridge.connection import RuntimeConnection
from ..errors import ProjectError
from ..telemetry import get_logger
from .languages import LANGUAGES, step_files
from .pool import RuntimePool

RESTART_BACKOFF_S = (0.05, 0.2, 0.5, 1.0, 2.0, 5.0)
STABLE_AFTER_S = 30.0
OUTPUT_TAIL_LINES = 30

log = get_logger(component="supervisor")


@dataclass(eq=False)
class ManagedRuntime:
    """One child process and what the supervisor knows of it."""

    language: str
    runtime_id: str
    process: asyncio.subprocess.Process
    started: float
    ready: asyncio.Future[RuntimeConnection]
    ticket: Ticket
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=OUTPUT_TAIL_LINES))
    retired: bool = False
    conn: RuntimeConnection | None = None
    pumps: list[asyncio.Task[None]] = field(default_factory=list)


class RuntimeSupervisor:
    def __init__(
        self,
        project: Path,
        pool: RuntimePool,
        gateway_address: str,
        admission: Admission,
        *,
        processes: dict[str, int],
        start_timeout_s: float,
        drain_grace_s: float,
        env: dict[str, str] | None = None,
    ) -> None:
        self._project = project
        self._pool = pool
        self._address = gateway_address
        self._admission = admission
        self._processes = processes
        self._start_timeout_s = start_timeout_s
        self._drain_grace_s = drain_grace_s
        self._env = env or {}
        self._ids = itertools.count(1)
        self._runtimes: dict[str, ManagedRuntime] = {}
        self._restarts: dict[str, int] = {}
        self.restarts_total: dict[str, int] = {}  # unexpected exits, per language, ever
        self._watchers: set[asyncio.Task[None]] = set()
        self._stopping = False
        pool.add_listener(self._on_connection)

    @property
    def runtimes(self) -> list[ManagedRuntime]:
        return list(self._runtimes.values())

    async def launch(self, languages: list[str]) -> list[ManagedRuntime]:
        """Start every runtime process (without waiting for them)."""
        return [
            await self._launch(language)
            for language in languages
            for _ in range(self._processes.get(language, 1))
        ]

    async def until_ready(self, runtimes: list[ManagedRuntime]) -> None:
        """Wait until each runtime has said Hello; the first failure raises."""
        await asyncio.gather(*(self._until_ready(rt) for rt in runtimes))

    async def _launch(self, language: str) -> ManagedRuntime:
        spec = LANGUAGES[language]
        runtime_id = f"{language}-{next(self._ids)}"
        ticket = self._admission.issue(runtime_id, language, partial(self._files, language))
        self._pool.groups.assign(runtime_id, language)
        env = {
            **os.environ,
            "STEPHOST_HOST_ADDRESS": self._address,
            "STEPHOST_RUNTIME_ID": runtime_id,
            "STEPHOST_PROJECT_DIR": str(self._project),
            "PYTHONUNBUFFERED": "1",
            **self._env,
            KEY_ENV: ticket.key,
        }
        try:
            process = await asyncio.create_subprocess_exec(
                *spec.command(),
                cwd=self._project,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            self._admission.withdraw(ticket)
            self._pool.groups.withdraw(runtime_id)
            raise ProjectError(f"cannot start the {language} runtime: {exc}") from None
        runtime = ManagedRuntime(
            language=language,
            runtime_id=runtime_id,
            process=process,
            started=time.monotonic(),
            ready=asyncio.get_running_loop().create_future(),
            ticket=ticket,
        )
        self._runtimes[runtime_id] = runtime
        assert process.stdout is not None and process.stderr is not None
        runtime.pumps = [
            asyncio.create_task(_pump(runtime, process.stdout, "stdout")),
            asyncio.create_task(_pump(runtime, process.stderr, "stderr")),
        ]
        watcher = asyncio.create_task(self._watch(runtime))
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)
        log.debug("runtime launched", runtime=language, pid=process.pid, runtime_id=runtime_id)
        return runtime

    def _files(self, language: str) -> list[str]:
        """The step files ``language``'s runtime may announce: those of the project now."""
        found = step_files(self._project).get(language, [])
        return [path.relative_to(self._project).as_posix() for path in found]

    async def _until_ready(self, runtime: ManagedRuntime) -> RuntimeConnection:
        exited: asyncio.Future[Any] = asyncio.ensure_future(runtime.process.wait())
        ready: asyncio.Future[Any] = runtime.ready
        try:
            done, _ = await asyncio.wait(
                {ready, exited},
                timeout=self._start_timeout_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            exited.cancel()
        if runtime.ready in done:
            log.info(
                "runtime ready",
                runtime=runtime.language,
                pid=runtime.process.pid,
                startup_s=round(time.monotonic() - runtime.started, 3),
            )
            return runtime.ready.result()
        await asyncio.gather(*runtime.pumps, return_exceptions=True)
        output = "\n".join(runtime.tail) or "(no output)"
        if not done:
            await self._kill(runtime)
            raise ProjectError(
                f"the {runtime.language} runtime did not connect within "
                f"{self._start_timeout_s:g}s; its output:\n{output}"
            )
        raise ProjectError(
            f"the {runtime.language} runtime exited with code {runtime.process.returncode} "
            f"before it was ready; its output:\n{output}"
        )

    def _on_connection(self, conn: RuntimeConnection, attached: bool) -> None:
        runtime = self._runtimes.get(conn.runtime_id)
        if runtime is None:
            return
        if attached:
            runtime.conn = conn
            if not runtime.ready.done():
                runtime.ready.set_result(conn)

    async def _watch(self, runtime: ManagedRuntime) -> None:
        code = await runtime.process.wait()
        self._admission.withdraw(runtime.ticket)
        self._pool.groups.withdraw(runtime.runtime_id)
        await asyncio.gather(*runtime.pumps, return_exceptions=True)
        if runtime.conn is not None:
            runtime.conn.close(f"the process exited with code {code}")
        self._runtimes.pop(runtime.runtime_id, None)
        if self._stopping or runtime.retired or not runtime.ready.done():
            return
        self.restarts_total[runtime.language] = self.restarts_total.get(runtime.language, 0) + 1
        uptime = time.monotonic() - runtime.started
        if uptime > STABLE_AFTER_S:
            self._restarts[runtime.language] = 0
        attempt = self._restarts.get(runtime.language, 0)
        self._restarts[runtime.language] = attempt + 1
        delay = RESTART_BACKOFF_S[min(attempt, len(RESTART_BACKOFF_S) - 1)]
        log.error(
            "runtime exited; restarting",
            runtime=runtime.language,
            pid=runtime.process.pid,
            exit_code=code,
            restart_in_s=delay,
            output_tail=list(runtime.tail)[-5:],
        )
        await asyncio.sleep(delay)
        while not self._stopping:
            try:
                replacement = await self._launch(runtime.language)
                await self._until_ready(replacement)
                log.info("runtime restarted", runtime=runtime.language, pid=replacement.process.pid)
                return
            except ProjectError as exc:
                attempt = self._restarts.get(runtime.language, 0)
                self._restarts[runtime.language] = attempt + 1
                delay = RESTART_BACKOFF_S[min(attempt, len(RESTART_BACKOFF_S) - 1)]
                log.error("runtime restart failed", runtime=runtime.language, error=str(exc))
                await asyncio.sleep(delay)

    async def reload(self, language: str, accept: Callable[[], None] | None = None) -> None:
        """Start fresh runtimes for ``language``, then drain and stop the old ones.

        New work goes to the new processes as soon as they are ready; the old ones
        finish what they have in flight. Queued events are durable, so none is lost.
        ``accept`` may refuse the ready fresh runtimes (ProjectError): they stop, and the
        old ones keep serving.
        """
        old = [rt for rt in self._runtimes.values() if rt.language == language]
        fresh = [await self._launch(language) for _ in range(self._processes.get(language, 1))]
        try:
            await asyncio.gather(*(self._until_ready(rt) for rt in fresh))
            if accept is not None:
                accept()
        except ProjectError:
            for runtime in fresh:
                runtime.retired = True
                await self._kill(runtime)
            raise
        await asyncio.gather(*(self._retire(rt) for rt in old))

    async def _retire(self, runtime: ManagedRuntime) -> None:
        runtime.retired = True
        conn = runtime.conn
        if conn is not None and not conn.closed:
            conn.drain(int(self._drain_grace_s * 1000))
            self._pool.refresh()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(conn.drained.wait(), self._drain_grace_s)
        await self._kill(runtime)

    async def _kill(self, runtime: ManagedRuntime, grace_s: float = 2.0) -> None:
        process = runtime.process
        if process.returncode is not None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), grace_s)
        except TimeoutError:
            _signal_group(process.pid, signal.SIGKILL)
            await process.wait()

    async def stop(self) -> None:
        """Drain every runtime (bounded by the grace period), then stop it."""
        self._stopping = True
        await asyncio.gather(*(self._retire(rt) for rt in list(self._runtimes.values())))
        for watcher in list(self._watchers):
            watcher.cancel()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


async def _pump(runtime: ManagedRuntime, stream: asyncio.StreamReader, name: str) -> None:
    """Fold one of the child's output streams into the host log, line by line."""
    while True:
        try:
            raw = await stream.readline()
        except ValueError:  # a line longer than the reader's limit
            raw = await stream.read(64 * 1024)
        if not raw:
            return
        line = raw.decode("utf-8", "replace").rstrip()
        if not line:
            continue
        runtime.tail.append(line)
        emit = log.warning if name == "stderr" else log.info
        emit(line, runtime=runtime.language, pid=runtime.process.pid, stream=name)
