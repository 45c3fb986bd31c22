"""Launches runtime processes, knows when they are ready, restarts them when they die.

Each child runs in its own process group (so a signal to the host's terminal
never reaches it and a kill takes its whole tree), is ready when its Hello
arrives (never after a sleep), and has its stdout/stderr folded into the host's
log with ``runtime=<language>`` bound. Each child gets a ticket of its own
(``host.bridge.admission``): the key that lets it through the gateway, in its
environment (or on its stdin, for one started early: ``host.runtimes.prewarm``)
only, good until the child exits. A child that dies unexpectedly is
restarted with backoff; its in-flight invocations fail as RUNTIME_LOST and the
bus redelivers the events among them.

Each child belongs to a runtime group (``host.runtimes.groups``), described by a
``GroupSpec``: per language, one group serving its step files (``processes``
children), and one group per file whose step says ``isolated: true`` (one child
that loads only that file, under the step's ``limits``: ``host.runtimes.limits``).
The shared group's children skip the isolated files. Which files are isolated is
known from what the runtimes announce (configs are code), so ``isolate()`` is told,
and a ``reload()`` of the language puts it in place. A child is restarted alone,
into its own group.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..bridge.admission import Admission, Ticket
from ..bridge.connection import RuntimeConnection
from ..children import stop_group
from ..errors import ProjectError
from ..model import Limits
from ..telemetry import get_logger
from .languages import LANGUAGES, step_files
from .limits import limited
from .pool import RuntimePool
from .prewarm import Prewarmed, launch_env, spawn

RESTART_BACKOFF_S = (0.05, 0.2, 0.5, 1.0, 2.0, 5.0)
STABLE_AFTER_S = 30.0
OUTPUT_TAIL_LINES = 30
# Project-relative step files, one a line: the only ones a runtime loads, or ones it skips.
ONLY_FILES_ENV = "STEPHOST_ONLY_FILES"
SKIP_FILES_ENV = "STEPHOST_SKIP_FILES"
MEMORY_LIMIT_ENV = "STEPHOST_MEMORY_LIMIT_MB"  # the runtime may act on it (Python exits)

log = get_logger(component="supervisor")


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A group the supervisor runs: ``processes`` runtimes of ``language`` serving
    ``file`` alone (an isolated step's group, under ``limits``), or else every step
    file of the language that no isolated group has."""

    name: str
    language: str
    processes: int = 1
    file: str = ""
    limits: Limits | None = None


def isolated_group(language: str, file: str) -> str:
    """The name of the group of an isolated step's file."""
    return f"{language}:{file}"


@dataclass(eq=False)
class ManagedRuntime:
    """One child process and what the supervisor knows of it."""

    group: GroupSpec
    runtime_id: str
    process: asyncio.subprocess.Process
    started: float
    ready: asyncio.Future[RuntimeConnection]
    ticket: Ticket
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=OUTPUT_TAIL_LINES))
    retired: bool = False
    conn: RuntimeConnection | None = None
    pumps: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def language(self) -> str:
        return self.group.language

    @property
    def fields(self) -> dict[str, str]:
        """How its log lines name it: its language, and its group when isolated."""
        if self.group.name == self.group.language:
            return {"runtime": self.language}
        return {"runtime": self.language, "group": self.group.name}


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
        prewarmed: Prewarmed | None = None,
    ) -> None:
        self._project = project
        self._pool = pool
        self._address = gateway_address
        self._admission = admission
        self._processes = processes
        self._start_timeout_s = start_timeout_s
        self._drain_grace_s = drain_grace_s
        self._env = env or {}
        self._prewarmed = prewarmed
        self._ids = itertools.count(1)
        self._runtimes: dict[str, ManagedRuntime] = {}
        self._restarts: dict[str, int] = {}  # by group
        self._isolated: dict[str, dict[str, Limits | None]] = {}  # language -> file -> limits
        self.restarts_total: dict[str, int] = {}  # unexpected exits, per language, ever
        self._watchers: set[asyncio.Task[None]] = set()
        self._stopping = False
        pool.add_listener(self._on_connection)

    @property
    def runtimes(self) -> list[ManagedRuntime]:
        return list(self._runtimes.values())

    def groups_of(self, language: str) -> list[GroupSpec]:
        """The groups run for ``language``: its shared group, then its isolated ones."""
        isolated = self._isolated.get(language, {})
        return [
            GroupSpec(language, language, self._processes.get(language, 1)),
            *(
                GroupSpec(isolated_group(language, file), language, 1, file, limits)
                for file, limits in sorted(isolated.items())
            ),
        ]

    def runs(self, group: str) -> bool:
        """Whether ``group`` is one of the supervisor's (not a remote runtime's)."""
        language = group.split(":", 1)[0]
        return language in LANGUAGES and any(g.name == group for g in self.groups_of(language))

    def isolate(self, language: str, files: dict[str, Limits | None]) -> bool:
        """From the next launch on, each of ``files`` (with its limits) runs in a group
        of its own; whether that changes anything (then ``reload`` the language)."""
        if self._isolated.get(language, {}) == files:
            return False
        self._isolated[language] = dict(files)
        return True

    async def launch(self, languages: list[str]) -> list[ManagedRuntime]:
        """Start every runtime process (without waiting for them)."""
        return [
            await self._launch(group)
            for language in languages
            for group in self.groups_of(language)
            for _ in range(group.processes)
        ]

    async def until_ready(self, runtimes: list[ManagedRuntime]) -> None:
        """Wait until each runtime has said Hello; the first failure raises."""
        await asyncio.gather(*(self._until_ready(rt) for rt in runtimes))

    async def _launch(self, group: GroupSpec) -> ManagedRuntime:
        language = group.language
        spec = LANGUAGES[language]
        runtime_id = f"{language}-{next(self._ids)}"
        ticket = self._admission.issue(runtime_id, language, partial(self._files, group))
        self._pool.groups.assign(runtime_id, group.name)
        env = launch_env(self._project, {**self._env, **self._selection(group)})
        params = {"address": self._address, "id": runtime_id, "key": ticket.key}
        try:
            command = spec.command()
            if group.limits is not None:
                command = limited(command, group.limits)
            process = None
            if self._prewarmed is not None and not group.file:
                process = await self._prewarmed.take(language, command, env, params)
            if process is None:
                process = await spawn(command, self._project, env, params)
        except OSError as exc:
            self._admission.withdraw(ticket)
            self._pool.groups.withdraw(runtime_id)
            raise ProjectError(f"cannot start the {language} runtime: {exc}") from None
        runtime = ManagedRuntime(
            group=group,
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
        log.debug("runtime launched", **runtime.fields, pid=process.pid, runtime_id=runtime_id)
        return runtime

    def _selection(self, group: GroupSpec) -> dict[str, str]:
        """The environment that tells a runtime of ``group`` which step files to load."""
        if group.file:
            env = {ONLY_FILES_ENV: group.file}
            if group.limits is not None and group.limits.memory_mb:
                env[MEMORY_LIMIT_ENV] = str(group.limits.memory_mb)
            return env
        isolated = sorted(self._isolated.get(group.language, {}))
        return {SKIP_FILES_ENV: "\n".join(isolated)} if isolated else {}

    def _files(self, group: GroupSpec) -> list[str]:
        """The step files a runtime of ``group`` may announce: of the project now."""
        found = step_files(self._project).get(group.language, [])
        files = [path.relative_to(self._project).as_posix() for path in found]
        if group.file:
            return [file for file in files if file == group.file]
        isolated = self._isolated.get(group.language, {})
        return [file for file in files if file not in isolated]

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
                **runtime.fields,
                pid=runtime.process.pid,
                startup_s=round(time.monotonic() - runtime.started, 3),
            )
            return runtime.ready.result()
        await asyncio.gather(*runtime.pumps, return_exceptions=True)
        output = "\n".join(runtime.tail) or "(no output)"
        if not done:
            await stop_group(runtime.process, 2.0)
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
        if runtime.conn is not None:  # gone now, not once its stream is seen to end
            runtime.conn.close(f"the process exited with code {code}")
            self._pool.detach(runtime.conn)
        self._runtimes.pop(runtime.runtime_id, None)
        if self._stopping or runtime.retired or not runtime.ready.done():
            return
        self.restarts_total[runtime.language] = self.restarts_total.get(runtime.language, 0) + 1
        name = runtime.group.name
        uptime = time.monotonic() - runtime.started
        if uptime > STABLE_AFTER_S:
            self._restarts[name] = 0
        delay = self._backoff(name)
        log.error(
            "runtime exited; restarting",
            **runtime.fields,
            pid=runtime.process.pid,
            exit_code=code,
            restart_in_s=delay,
            output_tail=list(runtime.tail)[-5:],
        )
        await asyncio.sleep(delay)
        while not self._stopping:
            # As the group is now (its limits may have changed); none: it is not run any more.
            group = next((g for g in self.groups_of(runtime.language) if g.name == name), None)
            if group is None:
                return
            try:
                replacement = await self._launch(group)
                await self._until_ready(replacement)
                log.info("runtime restarted", **runtime.fields, pid=replacement.process.pid)
                return
            except ProjectError as exc:
                delay = self._backoff(name)
                log.error("runtime restart failed", **runtime.fields, error=str(exc))
                await asyncio.sleep(delay)

    def _backoff(self, group: str) -> float:
        """How long to wait before the next restart in ``group``."""
        attempt = self._restarts.get(group, 0)
        self._restarts[group] = attempt + 1
        return RESTART_BACKOFF_S[min(attempt, len(RESTART_BACKOFF_S) - 1)]

    async def reload(self, language: str, accept: Callable[[], None] | None = None) -> None:
        """Start fresh runtimes for ``language`` (every group of it, as ``isolate`` last
        set them), then drain and stop the old ones.

        New work goes to the new processes as soon as they are ready; the old ones
        finish what they have in flight. Queued events are durable, so none is lost.
        ``accept`` may refuse the ready fresh runtimes (ProjectError): they stop, and the
        old ones keep serving.
        """
        old = [rt for rt in self._runtimes.values() if rt.language == language]
        fresh = [
            await self._launch(group)
            for group in self.groups_of(language)
            for _ in range(group.processes)
        ]
        try:
            await asyncio.gather(*(self._until_ready(rt) for rt in fresh))
            if accept is not None:
                accept()
        except ProjectError:
            for runtime in fresh:
                runtime.retired = True
                await stop_group(runtime.process, 2.0)
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
        await stop_group(runtime.process, 2.0)

    async def stop(self) -> None:
        """Drain every runtime (bounded by the grace period), then stop it."""
        self._stopping = True
        await asyncio.gather(*(self._retire(rt) for rt in list(self._runtimes.values())))
        for watcher in list(self._watchers):
            watcher.cancel()


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
        emit(line, **runtime.fields, pid=runtime.process.pid, stream=name)
