"""The host process: wires state, bus, cron, runtimes and HTTP, and runs them.

host = Host(project_dir, settings)
await host.start()            # runtimes ready, catalog built
await host.serve(sock)        # HTTP until SIGINT/SIGTERM (watch=True: `stephost dev`)
await host.stop()             # drain runtimes, flush the queue

Whatever ``start`` set up is undone by ``stop``, in reverse order, however far
``start`` got (an ``AsyncExitStack``).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from pathlib import Path
from typing import Any

from . import __version__
from .bridge.connection import RuntimeConnection
from .bus.bus import EventBus
from .bus.sqlite import SqliteQueue
from .calls import HostCalls
from .catalog import Catalog
from .contracts import Contracts
from .cron import CronScheduler
from .devmode import DevMode
from .errors import DuplicateStepError, ProjectError
from .http.app import HostApp
from .lifecycle import DataDirLock, Runtimes, bind_http, settle_gc
from .runtimes.languages import step_files
from .settings import Settings
from .state.base import StateStore
from .state.sqlite import SqliteStateStore
from .streams import StreamHub
from .telemetry import get_logger, spans

__all__ = ["Host", "bind_http"]

log = get_logger(component="host")


class Host:
    """One project served: the parts, wired; the catalog, applied to each of them."""

    state: StateStore
    streams: StreamHub
    bus: EventBus
    runtimes: Runtimes
    app: HostApp

    def __init__(self, project: Path, settings: Settings) -> None:
        self.project = project.resolve()
        self.settings = settings
        self.started_at = time.time()
        self.catalog = Catalog()
        self.contracts = Contracts()
        self.languages: list[str] = []
        self._stack = contextlib.AsyncExitStack()
        self._dev: DevMode | None = None
        self._server: Any = None  # uvicorn.Server, imported when serving
        self._reported: set[tuple[str, str]] = set()
        self._started = False

    @property
    def steps_dir(self) -> Path:
        return self.project / "steps"

    async def start(self) -> None:
        if not self.steps_dir.is_dir():
            raise ProjectError(
                f"no steps/ folder in {self.project}; create one, or run `stephost new DIR`"
            )
        stack = self._stack
        if self.settings.otel_exporter != "none":
            from .otel import OtelSink

            spans.sink = OtelSink(
                self.settings.otel_exporter, self.settings.service_name or self.project.name
            )
            stack.callback(spans.sink.shutdown)
        self._dev = DevMode(self)
        self.languages = sorted(step_files(self.steps_dir))
        data_dir = self.settings.data_dir
        lock = DataDirLock(data_dir)
        stack.callback(log.info, "stephost stopped")
        stack.callback(lock.release)
        self.state = SqliteStateStore(data_dir / "state.db")
        stack.push_async_callback(self.state.close)
        queue = SqliteQueue(data_dir / "queue.db")
        stack.push_async_callback(queue.close)
        reclaimed = await queue.reclaim()
        if reclaimed:
            log.info("deliveries of a previous run returned to the queue", count=reclaimed)
        self.streams = StreamHub(self.state)
        self.runtimes = Runtimes(
            self.project,
            self.settings,
            processes={lang: self.settings.runtime(lang).processes for lang in self.languages},
            drain_grace_s=self.settings.drain_grace_s,
            env={"STEPHOST_GEN_DIR": self.settings.gen_dir},
        )
        self.bus = EventBus(
            queue, self.runtimes.pool, dedup_window_ms=int(self.settings.dedup_window_s * 1000)
        )
        stack.push_async_callback(self.bus.stop)  # flushes what is batched: after the runtimes
        self.cron = CronScheduler(self.bus, queue)
        if not self.languages:
            log.warning("no step files under steps/", steps_dir=str(self.steps_dir))
        stack.push_async_callback(self.runtimes.stop)
        services = HostCalls(self.bus, self.state, self.streams)
        launched = await self.runtimes.start(self.languages, services)
        stack.callback(self.bus.stop_workers)  # no new work while the runtimes drain
        stack.push_async_callback(self.cron.stop)
        self.runtimes.pool.add_listener(self._on_runtime)
        # Runtimes boot in their own processes meanwhile: the slow parts of the host's
        # own start (compiling contracts/, importing the web framework) happen now.
        contracts = asyncio.create_task(
            asyncio.to_thread(Contracts.load, self.project, self.settings.contracts_dir)
        )
        from .http.admin import build_admin  # imports the web framework: while runtimes boot

        self.app = HostApp(self.runtimes.pool, build_admin(self), self.settings.max_body_bytes)
        try:
            self.contracts = await contracts
        finally:
            if not contracts.done():
                contracts.cancel()
        await self.runtimes.until_ready(launched)
        catalog = self._build_catalog()
        if catalog.duplicates:
            name, first, second = catalog.duplicates[0]
            raise DuplicateStepError(f"step name {name!r} is declared by both {first} and {second}")
        self._apply(catalog)
        self._started = True

    def _on_runtime(self, _conn: RuntimeConnection, attached: bool) -> None:
        if attached and self._started:  # during start, the catalog is built once all are ready
            self._apply(self._build_catalog())

    def _build_catalog(self) -> Catalog:
        return Catalog.of_runtimes(self.runtimes.infos(), self.contracts)

    def _apply(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.app.apply(catalog)
        self.bus.apply(catalog)
        self.cron.apply(catalog)
        for problem in catalog.problems:
            key = (problem.file, problem.failure.message)
            if key not in self._reported:
                self._reported.add(key)
                log.error(
                    "step file not loaded",
                    file=problem.file,
                    language=problem.language,
                    code=problem.failure.code,
                    error=problem.failure.message,
                    stack=problem.failure.stack,
                )
        for warning in catalog.warnings():
            if ("", warning) not in self._reported:
                self._reported.add(("", warning))
                log.warning(warning)

    # -- what dev mode asks of the host (host.devmode.DevHost) ---------------------

    async def reload_runtimes(self, language: str) -> None:
        if language not in self.languages:
            self.languages.append(language)
        await self.runtimes.supervisor.reload(language)

    def use_contracts(self, contracts: Contracts) -> None:
        self.contracts = contracts
        self._apply(self._build_catalog())

    # -- serving ---------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for step in self.catalog.steps.values():
            out[step.language] = out.get(step.language, 0) + 1
        return out

    async def serve(self, sock: socket.socket, *, watch: bool = False) -> None:
        """Serve HTTP on ``sock`` until SIGINT/SIGTERM (or ``shutdown()``)."""
        from .http.serving import make_server

        self._server = make_server(self.app, self.settings.drain_grace_s)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.shutdown)
        if watch and self._dev is not None:
            watcher = asyncio.create_task(self._dev.watch())
            self._stack.callback(watcher.cancel)
        host, port = sock.getsockname()[:2]
        settle_gc()
        log.info(
            "stephost is serving",
            url=f"http://{host}:{port}",
            steps=len(self.catalog.steps),
            languages=self.counts(),
            problems=len(self.catalog.problems),
            startup_s=round(time.time() - self.started_at, 3),
        )
        await self._server.serve(sockets=[sock])

    def shutdown(self) -> None:
        """Stop serving (a second call stops at once, without waiting for requests)."""
        if self._server is not None:
            if self._server.should_exit:
                self._server.force_exit = True
            self._server.should_exit = True

    async def stop(self) -> None:
        """Undo what ``start`` (and ``serve``) did, last first."""
        await self._stack.aclose()

    def status(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "project": str(self.project),
            "uptimeS": round(time.time() - self.started_at, 3),
            "runtimes": [conn.to_json() for conn in self.runtimes.pool.connections],
            "steps": len(self.catalog.steps),
            "problems": [p.to_json() for p in self.catalog.problems],
        }
