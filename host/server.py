"""The host process: wires state, bus, cron, runtimes and HTTP, and runs them.

host = Host(project_dir, settings)
await host.start()            # runtimes ready, catalog built
await host.serve(sock)        # HTTP until SIGINT/SIGTERM (watch=True: `stephost dev`)
await host.stop()             # drain runtimes, flush the queue

Whatever ``start`` set up is undone by ``stop``, in reverse order, however far
``start`` got (an ``AsyncExitStack``). Starting and stopping the parts is
``host.lifecycle``; reloading what changed (`stephost dev`) is ``host.devmode``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import socket
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, motia
from .admin_tokens import TokenStore
from .auth.keys import ApiKeyStore
from .backends import open_backends
from .bridge.connection import RuntimeConnection
from .bus.base import QueueBackend
from .bus.bus import EventBus
from .calls import HostCalls
from .catalog import Catalog, LoadProblem
from .contracts import Contracts
from .cron import CronScheduler
from .devmode import DevMode
from .errors import DuplicateStepError, ProjectError
from .http.listen import bind_http
from .lifecycle import Runtimes, data_dir_errors, preload_modules, settle_gc
from .metrics import HostMetrics
from .model import Failure, Limits, RuntimeInfo
from .runtimes.languages import STEP_DIRS, step_dirs, step_files
from .runtimes.pool import RuntimePool
from .runtimes.prewarm import Prewarmed, runtime_env
from .runtimes.supervisor import RuntimeSupervisor
from .settings import Settings
from .state.base import StateStore
from .streams import StreamHub
from .telemetry import get_logger, recent_logs, spans

if TYPE_CHECKING:
    from .http.access import DeferredApp
    from .http.app import HostApp

__all__ = ["Host", "bind_http"]

log = get_logger(component="host")


class Host:
    """One project served: the parts, wired; the catalog, applied to each of them."""

    state: StateStore
    streams: StreamHub
    bus: EventBus
    cron: CronScheduler
    runtimes: Runtimes
    app: HostApp
    admin: DeferredApp  # the admin API's FastAPI app, built once the host has started

    def __init__(
        self, project: Path, settings: Settings, prewarmed: Prewarmed | None = None
    ) -> None:
        self.project = project.resolve()
        self.settings = settings
        self._prewarmed = prewarmed  # runtimes started before the host (cli)
        self.started_at = time.time()
        self.catalog = Catalog()
        self.contracts = Contracts()
        self.languages: list[str] = []
        self.metrics = HostMetrics()
        self._stack = contextlib.AsyncExitStack()
        self._dev: DevMode | None = None
        self._server: Any = None  # uvicorn.Server, imported when serving
        self._admin_server: Any = None  # the admin listener's
        self._reported: set[tuple[str, str]] = set()
        self._started = False
        self._stopping = False
        # What each runtime group (host.runtimes.groups) announced last. A group whose
        # last connection went keeps its entry: its steps are served as unavailable.
        self._announced: dict[str, RuntimeInfo] = {}
        # `stephost dev`: the groups being reloaded (with what their fresh runtimes
        # announced, applied once the reload is accepted), and reloads refused
        # (language -> problem).
        self._reloading: dict[str, RuntimeInfo | None] = {}
        self._refused: dict[str, LoadProblem] = {}

    # -- the parts the admin API and the Workbench read --------------------------------

    @property
    def pool(self) -> RuntimePool:
        return self.runtimes.pool

    @property
    def supervisor(self) -> RuntimeSupervisor:
        return self.runtimes.supervisor

    @property
    def queue(self) -> QueueBackend:
        return self.bus.queue

    # -- starting ---------------------------------------------------------------------------

    async def start(self) -> None:
        if not step_dirs(self.project):
            folders = " or ".join(f"{name}/" for name in STEP_DIRS)
            raise ProjectError(
                f"no {folders} folder in {self.project}; create one, or run `stephost new DIR`"
            )
        stack = self._stack
        retention = self.settings.retention
        spans.configure(retention.spans, retention.age_s)
        recent_logs.configure(retention.logs, retention.age_s)
        from .otel import make_sink

        sink = make_sink(
            self.settings.otel_exporter, self.settings.service_name or self.project.name
        )
        spans.sink = sink
        if sink is not None:
            stack.callback(sink.shutdown)
        spans.listeners.append(self.metrics.observe)
        stack.callback(spans.listeners.remove, self.metrics.observe)
        self._dev = DevMode(self)  # its snapshot: changes made while starting count too
        self.languages = sorted(step_files(self.project))
        stack.callback(log.info, "stephost stopped")
        with data_dir_errors(self.settings.data_dir):
            backends = await open_backends(self.settings, stack)
            reclaimed = await backends.queue.reclaim()
        log.info("backend open", backend=backends.description)
        self.state, queue = backends.state, backends.queue
        if reclaimed:
            log.info("deliveries of a previous run returned to the queue", count=reclaimed)
        self.streams = StreamHub(self.state, backends.relay)
        await self.streams.start()
        self.runtimes = Runtimes(
            self.project,
            self.settings,
            processes={lang: self.settings.runtime(lang).processes for lang in self.languages},
            drain_grace_s=self.settings.drain_grace_s,
            env=runtime_env(self.settings),
            prewarmed=self._prewarmed,
        )
        self.bus = EventBus(
            queue,
            self.runtimes.pool,
            dedup_window_ms=int(self.settings.dedup_window_s * 1000),
            max_message_bytes=self.settings.max_message_bytes,
            max_queue_depth=self.settings.max_queue_depth,
        )
        self.bus.recent.configure(retention.messages)
        depths = asyncio.create_task(self.bus.watch_depths(), name="queue-depths")
        stack.callback(depths.cancel)
        stack.push_async_callback(self.bus.stop)  # flushes what is batched: after the runtimes
        self.cron = CronScheduler(self.bus, queue)
        if not self.languages:
            log.warning("no step files", folders=[str(p) for p in step_dirs(self.project)])
        stack.push_async_callback(self.runtimes.stop)
        stack.callback(setattr, self, "_stopping", True)  # runtimes leaving: not an outage
        self.runtimes.pool.add_listener(self._on_runtime)
        services = HostCalls(self.bus, self.state, self.streams)
        launched = await self.runtimes.start(self.languages, services)
        stack.callback(self.bus.stop_workers)  # no new work while the runtimes drain
        stack.push_async_callback(self.cron.stop)
        # Runtimes boot in their own processes meanwhile: the slow parts of the host's
        # own start (compiling contracts/, importing the web framework) happen now.
        contracts = asyncio.create_task(
            asyncio.to_thread(Contracts.load, self.project, self.settings.contracts_dir)
        )
        # The web side is imported here, once the runtimes are launched; the admin API
        # is built at the end (DeferredApp: its requests wait for it).
        from .http.access import DeferredApp, api_surface
        from .http.app import HostApp
        from .http.auth import Authenticator

        self.admin = DeferredApp()
        admin = api_surface(self.admin, admin_on=self.settings.admin)
        keys = ApiKeyStore(self.settings.data_dir, self.settings.api_keys)
        auth = Authenticator(self.project, keys, self.runtimes.pool)
        self.app = HostApp(
            self.runtimes.pool,
            admin,
            self.settings.max_body_bytes,
            self.settings.max_json_depth,
            auth=auth,
            cors=self.settings.cors,
        )
        preloading = asyncio.create_task(asyncio.to_thread(preload_modules))
        stack.push_async_callback(asyncio.wait, [preloading])
        try:
            self.contracts = await contracts
        finally:
            if not contracts.done():
                contracts.cancel()
        await self.runtimes.until_ready(launched)
        catalog = self._build_catalog()
        isolation = self._isolation(catalog)
        regrouped = False
        for language in sorted({info.language for info in self._announced.values()}):
            if self.supervisor.isolate(language, isolation.get(language, {})):
                await self.supervisor.reload(language)  # its isolated steps, in their groups
                regrouped = True
        if regrouped:
            catalog = self._build_catalog()
        if catalog.duplicates:
            name, first, second = catalog.duplicates[0]
            raise DuplicateStepError(f"step name {name!r} is declared by both {first} and {second}")
        self._apply(catalog)
        self._started = True
        building = asyncio.create_task(self._build_admin(), name="admin-build")
        stack.push_async_callback(asyncio.wait, [building])

    async def _build_admin(self) -> None:
        try:
            await self.admin.build(partial(_admin_app, self))
        except Exception:  # a bug of ours: the api steps serve on; admin requests fail
            log.exception("the admin API could not be built")
        else:
            gc.freeze()  # it lives as long as the process: out of full collections (settle_gc)

    def _on_runtime(self, conn: RuntimeConnection, attached: bool) -> None:
        group = conn.group
        if not attached:
            if (
                self._started
                and not self._stopping
                and group in self._announced
                and not self.pool.groups.live(group)
            ):
                self._apply(self._build_catalog())
                steps = sorted(s.name for s in self._announced[group].steps)
                log.warning("runtime group unavailable", group=group, steps=steps)
            return
        if group in self._reloading:  # applied when the reload is accepted
            self._reloading[group] = conn.info
            return
        returned = self._started and group in self.catalog.unavailable_groups
        self._announced[group] = conn.info
        if self._started:  # during start, the catalog is built once every runtime is ready
            self._apply(self._build_catalog())
        if returned:
            log.info("runtime group available again", group=group)

    def _build_catalog(self, announced: dict[str, RuntimeInfo] | None = None) -> Catalog:
        by_group = self._announced if announced is None else announced
        runtimes = [by_group[group] for group in sorted(by_group)]
        catalog = Catalog.of_runtimes(runtimes, self.contracts)
        catalog.problems.extend(self._refused.values())
        catalog = catalog.strict() if self.settings.strict else catalog
        gone = {group for group in by_group if not self.pool.groups.live(group)}
        catalog.unavailable_groups = frozenset(gone)
        catalog.unavailable = frozenset(
            step.name for group in gone for step in by_group[group].steps
        )
        return catalog

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

    # -- what dev mode asks of the host (host.devmode.DevHost) ---------------------

    async def reload_runtimes(self, language: str) -> None:
        if language not in self.languages:
            self.languages.append(language)
        await self._reload(language, self._local_groups(language))
        old = self._local_groups(language)
        if self.supervisor.isolate(language, self._isolation(self.catalog).get(language, {})):
            await self._reload(language, old)  # which steps run isolated changed

    async def _reload(self, language: str, old: list[str]) -> None:
        """Reload ``language``'s runtimes into its groups as they are now; ``old``: the
        groups they replace."""
        fresh = self._local_groups(language)
        for group in fresh:
            self._reloading[group] = None
        try:
            accept = partial(self._accept_reload, language, old)
            await self.supervisor.reload(language, accept=accept)
        finally:
            for group in fresh:
                self._reloading.pop(group, None)

    def _local_groups(self, language: str) -> list[str]:
        """The groups the supervisor runs for ``language`` (a reload replaces them all)."""
        return [group.name for group in self.supervisor.groups_of(language)]

    def _isolation(self, catalog: Catalog) -> dict[str, dict[str, Limits | None]]:
        """Per language, the step files of the supervisor's runtimes (not remote ones)
        that run isolated, with their limits. Configs are code: only what the runtimes
        announced tells (host.runtimes.supervisor)."""
        local = {
            step.file
            for group, info in self._announced.items()
            if self.supervisor.runs(group)
            for step in info.steps
        }
        out: dict[str, dict[str, Limits | None]] = {}
        for step in catalog.steps.values():
            if step.isolated and step.file in local:
                out.setdefault(step.language, {})[step.file] = step.limits
        return out

    def _accept_reload(self, language: str, old: list[str]) -> None:
        """Serve the fresh runtimes of ``language`` (in place of the groups ``old``),
        unless they bring a step name that another file declares: then they are refused
        and the old ones keep serving (DuplicateStepError), so a new file never knocks
        out a working step."""
        local = self._local_groups(language)
        fresh = {g: info for g in local if (info := self._reloading.get(g)) is not None}
        if not fresh:
            return
        self._refused.pop(language, None)
        replaced = {*old, *local}
        announced = {g: i for g, i in self._announced.items() if g not in replaced} | fresh
        candidate = self._build_catalog(announced)
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
        self._announced = announced
        self._apply(candidate)

    def use_contracts(self, contracts: Contracts) -> None:
        self.contracts = contracts
        self._apply(self._build_catalog())

    # -- serving ---------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for step in self.catalog.steps.values():
            out[step.language] = out.get(step.language, 0) + 1
        return out

    async def serve(
        self, sock: socket.socket, admin_sock: socket.socket | None = None, *, watch: bool = False
    ) -> None:
        """Serve the api steps on ``sock`` and the admin API on ``admin_sock`` (none: no
        admin listener) until SIGINT/SIGTERM (or ``shutdown()``)."""
        from .http.access import admin_listener
        from .http.app import ADMIN_PREFIX, FRAMEWORK_PATHS
        from .http.guard import AdminGuard
        from .http.limits import HttpLimits
        from .http.serving import make_server

        counted = self.metrics.counting_responses(self.app, (ADMIN_PREFIX, *FRAMEWORK_PATHS))
        s = self.settings
        limits = HttpLimits(
            s.max_header_count, s.max_header_bytes, s.header_timeout_s, s.body_timeout_s
        )
        self._server = make_server(counted, s.drain_grace_s, limits, s.keep_alive_timeout_s)
        servers = [self._server.serve(sockets=[sock])]
        admin_url = ""
        if admin_sock is not None:
            guard = AdminGuard(
                allowed_hosts=frozenset(h.lower() for h in s.admin_allowed_hosts),
                tokens=TokenStore(s.data_dir) if s.admin_tokens_required else None,
                max_body_bytes=s.max_body_bytes,
                max_json_depth=s.max_json_depth,
            )
            admin = self.metrics.counting_responses(admin_listener(self.admin, guard), ("",))
            self._admin_server = make_server(admin, s.drain_grace_s, limits, s.keep_alive_timeout_s)
            servers.append(self._admin_server.serve(sockets=[admin_sock]))
            admin_host, admin_port = admin_sock.getsockname()[:2]
            admin_url = f"http://{_url_host(admin_host)}:{admin_port}"
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.shutdown)
        if watch and self._dev is not None:
            watcher = asyncio.create_task(self._dev.watch())
            self._stack.callback(watcher.cancel)
        host, port = sock.getsockname()[:2]
        settle_gc()
        if motia.is_motia_project(self.project):
            log.info(
                "serving a Motia project; `stephost doctor` lists, file by file, what "
                "stephost does not honour",
                notes=len(self.catalog.notes),
            )
        log.info(
            "stephost is serving",
            url=f"http://{_url_host(host)}:{port}",
            **_admin_fields(admin_url, self.settings.admin),
            steps=len(self.catalog.steps),
            languages=self.counts(),
            problems=len(self.catalog.problems),
            startup_s=round(time.time() - self.started_at, 3),
        )
        await asyncio.gather(*servers)

    def shutdown(self) -> None:
        """Stop serving (a second call stops at once, without waiting for requests)."""
        for server in (self._server, self._admin_server):
            if server is not None:
                if server.should_exit:
                    server.force_exit = True
                server.should_exit = True

    async def stop(self) -> None:
        """Undo what ``start`` (and ``serve``) did, last first."""
        await self._stack.aclose()

    def status(self) -> dict[str, Any]:
        return {
            # degraded: some steps have no runtime now (their group is restarting)
            "status": "degraded" if self.catalog.unavailable_groups else "ok",
            "version": __version__,
            "project": str(self.project),
            "uptimeS": round(time.time() - self.started_at, 3),
            "runtimes": [conn.to_json() for conn in self.runtimes.pool.connections],
            "groups": [
                {
                    "name": group,
                    "language": info.language,
                    "connections": self.pool.groups.live(group),
                    "available": group not in self.catalog.unavailable_groups,
                    "steps": sorted(s.name for s in info.steps),
                }
                for group, info in sorted(self._announced.items())
            ],
            "steps": len(self.catalog.steps),
            "unavailable": sorted(self.catalog.unavailable),
            "problems": [p.to_json() for p in self.catalog.problems],
        }


def _admin_app(host: Host) -> Any:
    """The admin API's FastAPI app (imported here: it is the slow part of the web side)."""
    from .http.admin import build_admin

    return build_admin(host)


def _url_host(host: str) -> str:
    """``host`` as a URL has it (an IPv6 address in brackets)."""
    return f"[{host}]" if ":" in host else host


def _admin_fields(admin_url: str, admin_on: bool) -> dict[str, str]:
    """What the "serving" line says of the admin listener: its address, "off", or
    nothing (another worker serves it)."""
    if admin_url:
        return {"admin_url": admin_url, "workbench": f"{admin_url}/_stephost/ui/"}
    return {} if admin_on else {"admin_url": "off", "workbench": "off"}
