"""The host process: wires state, bus, cron, runtimes and HTTP, and runs them.

host = Host(project_dir, settings)
await host.start()            # runtimes ready, catalog built
await host.serve(sock)        # HTTP until SIGINT/SIGTERM
await host.stop()             # drain runtimes, flush the queue
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import gc
import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

from stephost.v1 import runtime_pb2

from . import __version__, motia
from .bus.bus import EventBus
from .bus.sqlite import SqliteQueue
from .calls import HostCalls
from .catalog import Catalog, LoadProblem
from .contract import catalog_from_hellos
from .contracts import Contracts
from .cron import CronScheduler
from .errors import DuplicateStepError, PortInUseError, ProjectError
from .gen.motia import TYPES_FILE, sync_types, wants_types
from .http.access import without_admin
from .http.app import ADMIN_PREFIX, FRAMEWORK_PATHS, HostApp
from .metrics import HostMetrics
from .model import Failure
from .runtimes.connection import RuntimeConnection
from .runtimes.gateway import Gateway
from .runtimes.languages import STEP_DIRS, language_of_source, step_dirs, step_files
from .runtimes.pool import RuntimePool
from .runtimes.supervisor import RuntimeSupervisor
from .settings import CONFIG_FILE, Settings
from .state.sqlite import SqliteStateStore
from .streams import StreamHub
from .telemetry import get_logger, recent_logs, spans
from .watching import ProjectFiles

log = get_logger(component="host")


def bind_http(host: str, port: int) -> socket.socket:
    """Bind the HTTP port now, so that a port in use fails before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is already in use; stop what holds it or pass --port"
            ) from None
        raise ProjectError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _settle_gc() -> None:
    """Keep the garbage collector off the request path.

    Everything loaded at start-up lives as long as the process, so it moves to the
    permanent generation (``gc.freeze``): full collections then scan only what
    requests create, instead of the whole framework each time (p99 spikes of 20 ms).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


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


class Host:
    def __init__(self, project: Path, settings: Settings) -> None:
        self.project = project.resolve()
        self.settings = settings
        self.started_at = time.time()
        self.catalog = Catalog()
        self.contracts = Contracts()
        self.pool = RuntimePool()
        self._hellos: dict[str, runtime_pb2.Hello] = {}
        self._lock: DataDirLock | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._server: Any = None  # uvicorn.Server, imported when serving
        self._reported: set[tuple[str, str]] = set()
        self._started = False
        self.languages: list[str] = []
        self.metrics = HostMetrics()
        # `stephost dev`: the languages being reloaded (with their fresh runtimes' Hello,
        # applied once the reload is accepted), and reloads refused (language -> problem).
        self._reloading: dict[str, runtime_pb2.Hello | None] = {}
        self._refused: dict[str, LoadProblem] = {}

    async def start(self) -> None:
        if not step_dirs(self.project):
            folders = " or ".join(f"{name}/" for name in STEP_DIRS)
            raise ProjectError(
                f"no {folders} folder in {self.project}; create one, or run `stephost new DIR`"
            )
        retention = self.settings.retention
        spans.configure(retention.spans, retention.age_s)
        recent_logs.configure(retention.logs, retention.age_s)
        from .otel import make_sink

        spans.sink = make_sink(
            self.settings.otel_exporter, self.settings.service_name or self.project.name
        )
        spans.listeners.append(self.metrics.observe)
        self._files = ProjectFiles(self.project, self.settings)
        self._snapshot_at_start: dict[Path, int] | None = self._files.snapshot()
        self.languages = sorted(step_files(self.project))
        data_dir = self.settings.data_dir
        self._lock = DataDirLock(data_dir)
        self.state = SqliteStateStore(data_dir / "state.db")
        self.queue = SqliteQueue(data_dir / "queue.db")
        reclaimed = await self.queue.reclaim()
        if reclaimed:
            log.info("deliveries of a previous run returned to the queue", count=reclaimed)
        self.streams = StreamHub(self.state)
        self.bus = EventBus(
            self.queue, self.pool, dedup_window_ms=int(self.settings.dedup_window_s * 1000)
        )
        self.cron = CronScheduler(self.bus, self.queue)
        self.calls = HostCalls(self.bus, self.state, self.streams)
        self.gateway = Gateway(self.pool, self.calls)
        address = await self.gateway.start()
        self.pool.add_listener(self._on_runtime)
        self.supervisor = RuntimeSupervisor(
            self.project,
            self.pool,
            address,
            processes={lang: self.settings.runtime(lang).processes for lang in self.languages},
            start_timeout_s=self.settings.runtime_start_timeout_s,
            drain_grace_s=self.settings.drain_grace_s,
            env={"STEPHOST_GEN_DIR": self.settings.gen_dir},
        )
        if not self.languages:
            log.warning("no step files", folders=[str(p) for p in step_dirs(self.project)])
        launched = await self.supervisor.launch(self.languages)
        # Runtimes boot in their own processes meanwhile: the slow parts of the host's
        # own start (compiling contracts/, importing the web framework) happen now.
        contracts = asyncio.create_task(
            asyncio.to_thread(Contracts.load, self.project, self.settings.contracts_dir)
        )
        from .http.admin import build_admin

        self.admin = build_admin(self)
        admin = self.admin if self.settings.admin else without_admin(self.admin)
        self.app = HostApp(self.pool, admin, self.settings.max_body_bytes)
        try:
            self.contracts = await contracts
        finally:
            if not contracts.done():
                contracts.cancel()
        await self.supervisor.until_ready(launched)
        catalog = self._build_catalog()
        if catalog.duplicates:
            name, first, second = catalog.duplicates[0]
            raise DuplicateStepError(f"step name {name!r} is declared by both {first} and {second}")
        self._apply(catalog)
        self._started = True

    def _on_runtime(self, conn: RuntimeConnection, attached: bool) -> None:
        if not attached:
            return
        if conn.language in self._reloading:  # applied when the reload is accepted
            self._reloading[conn.language] = conn.hello
            return
        self._hellos[conn.language] = conn.hello
        if self._started:  # during start, the catalog is built once every runtime is ready
            self._apply(self._build_catalog())

    def _build_catalog(
        self, hellos_by_language: dict[str, runtime_pb2.Hello] | None = None
    ) -> Catalog:
        by_language = self._hellos if hellos_by_language is None else hellos_by_language
        hellos = [by_language[language] for language in sorted(by_language)]
        catalog = catalog_from_hellos(hellos, self.contracts)
        catalog.problems.extend(self._refused.values())
        return catalog.strict() if self.settings.strict else catalog

    def _accept_reload(self, language: str) -> None:
        """Serve the fresh runtimes of ``language``, unless they bring a step name that
        another file declares: then they are refused and the old ones keep serving
        (DuplicateStepError), so a new file never knocks out a working step."""
        hello = self._reloading.get(language)
        if hello is None:
            return
        self._refused.pop(language, None)
        candidate = self._build_catalog({**self._hellos, language: hello})
        for name, first, second in candidate.duplicates:
            if (name, first, second) in self.catalog.duplicates:
                continue
            serving = self.catalog.steps.get(name)
            kept = serving.file if serving is not None else first
            new = second if kept == first else first
            message = (
                f"step name {name!r} is already declared by {kept}, so {new} is not served; "
                f"rename one (the previous {language} runtime keeps serving)"
            )
            failure = Failure(
                "DUPLICATE_STEP", message, type="ConfigError", step=name, retryable=False
            )
            self._refused[language] = LoadProblem(new, language, failure)
            self._apply(self._build_catalog())
            raise DuplicateStepError(message)
        self._hellos[language] = hello
        self._apply(candidate)

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
        warnings = catalog.warnings()
        if motia.is_motia_project(self.project):
            notes = motia.project_notes(self.project, step_dirs(self.project))
            warnings = [note.text() for note in notes] + warnings
        for warning in warnings:
            if ("", warning) not in self._reported:
                self._reported.add(("", warning))
                log.warning(warning)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for step in self.catalog.steps.values():
            out[step.language] = out.get(step.language, 0) + 1
        return out

    async def serve(self, sock: socket.socket, *, watch: bool = False) -> None:
        """Serve HTTP on ``sock`` until SIGINT/SIGTERM (or ``shutdown()``)."""
        from .http.serving import make_server

        counted = self.metrics.counting_responses(self.app, (ADMIN_PREFIX, *FRAMEWORK_PATHS))
        self._server = make_server(counted, self.settings.drain_grace_s)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.shutdown)
        if watch:
            self._watcher = asyncio.create_task(self._watch())
        host, port = sock.getsockname()[:2]
        _settle_gc()
        if motia.is_motia_project(self.project):
            log.info(
                "serving a Motia project; `stephost doctor` lists, file by file, what "
                "stephost does not honour",
                notes=len(self.catalog.notes),
            )
        log.info(
            "stephost is serving",
            url=f"http://{host}:{port}",
            workbench=f"http://{host}:{port}/_stephost/ui/" if self.settings.admin else "off",
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
        if self._watcher is not None:
            self._watcher.cancel()
        if hasattr(self, "cron"):
            await self.cron.stop()
        if hasattr(self, "bus"):
            for worker in self.bus.workers.values():
                worker.stop()
        if hasattr(self, "supervisor"):
            await self.supervisor.stop()
        if hasattr(self, "bus"):
            await self.bus.stop()
        if hasattr(self, "gateway"):
            await self.gateway.stop()
        if hasattr(self, "queue"):
            await self.queue.close()
            await self.state.close()
        if spans.sink is not None:
            spans.sink.shutdown()
        if self.metrics.observe in spans.listeners:
            spans.listeners.remove(self.metrics.observe)
        if self._lock is not None:
            self._lock.release()
            log.info("stephost stopped")

    async def _watch(self) -> None:
        """Reload runtimes when the sources of a language change (steps or helpers, anywhere
        in the project: ``host.watching``), contracts when .proto files do."""
        from watchfiles import awatch  # only `stephost dev` needs it

        files = self._files
        before = self._snapshot_at_start
        async for changes in awatch(
            self.project,
            watch_filter=lambda _change, path: files.watched(Path(path)),
            debounce=200,
            step=50,
            rust_timeout=500,
            yield_on_timeout=True,
        ):
            paths = {Path(path) for _change, path in changes}
            if before is not None:
                # Changes made before the watcher was running count too.
                now = files.snapshot()
                paths |= {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
                before = None
                log.info("watching for changes", project=str(self.project))
            if any(files.is_settings(path) for path in paths):
                log.warning(f"{CONFIG_FILE} changed; restart stephost dev to apply it")
            current = set(step_files(self.project))
            languages = {lang for path in paths if (lang := language_of_source(path))}
            # A helper of a language without steps (now or before) reloads nothing.
            languages &= current | set(self.languages)
            if any(files.is_contract(path) for path in paths):
                if not await self._reload_contracts():
                    continue
                languages |= set(self.languages)  # steps may import the generated classes
            for language in sorted(languages):
                try:
                    await self._reload(language, present=language in current)
                except ProjectError as exc:
                    log.error("reload failed; the previous version keeps serving", error=str(exc))
            if paths and self._generates():
                await asyncio.to_thread(self._regenerate)

    async def _reload_contracts(self) -> bool:
        try:
            self.contracts = await asyncio.to_thread(
                Contracts.load, self.project, self.settings.contracts_dir
            )
        except ProjectError as exc:
            log.error("contracts not reloaded; the previous ones stay", error=exc.message)
            return False
        log.info("contracts reloaded", files=self.contracts.own_files)
        if self._generates():
            await asyncio.to_thread(self._regenerate)  # fresh classes for the reloaded steps
        self._apply(self._build_catalog())
        return True

    def _generates(self) -> bool:
        """`stephost dev` keeps generated types fresh once the project uses them (a Motia
        project's types.d.ts included)."""
        return (
            (self.project / self.settings.gen_dir).is_dir()
            or bool(self.contracts.own_files)
            or (self.project / TYPES_FILE).is_file()
        )

    def _regenerate(self) -> None:
        """Fresh generated types (and a Motia project's types.d.ts). While some step files do
        not load, the step types stay as they are (a catalog with steps missing would write
        fewer of them than the last generation has); the message classes of contracts/ are
        written all the same."""
        from .gen.run import gen_languages, generate

        partial = bool(self.catalog.problems)
        if partial:
            log.warning(
                "step types not regenerated while step files do not load; generated/ (and a "
                "Motia project's types.d.ts) keep the last ones",
                files=sorted({problem.file for problem in self.catalog.problems}),
            )
        stepped = sorted(step_files(self.project))
        motia_types = (self.project / TYPES_FILE).is_file() and wants_types(self.project, stepped)
        if motia_types and not partial:
            sync_types(self.project, self.catalog, check=False)
        if not (self.project / self.settings.gen_dir).is_dir() and not self.contracts.own_files:
            return
        try:
            result = generate(
                self.catalog,
                self.contracts,
                gen_languages(self.project, stepped, self.contracts),
                self.project / self.settings.gen_dir,
                keep_baseline=True,
                keep_step_types=partial,
            )
        except Exception as exc:
            log.error("types not regenerated", error=str(exc))
            return
        for change in result.breaking:
            log.warning(
                "breaking contract change; `stephost gen` reports it against the baseline "
                "(generated/contracts.json), which dev leaves as it is",
                change=change,
            )
        log.info("types regenerated", files=len(result.files))

    async def _reload(self, language: str, *, present: bool) -> None:
        log.info("reloading runtime", runtime=language)
        if language not in self.languages:
            self.languages.append(language)
        self._reloading[language] = None
        try:
            await self.supervisor.reload(language, accept=lambda: self._accept_reload(language))
        finally:
            self._reloading.pop(language, None)
        if not present:
            log.info("no more step files", runtime=language)

    def status(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "project": str(self.project),
            "uptimeS": round(time.time() - self.started_at, 3),
            "runtimes": [conn.to_json() for conn in self.pool.connections],
            "steps": len(self.catalog.steps),
            "problems": [p.to_json() for p in self.catalog.problems],
        }
