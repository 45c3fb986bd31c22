"""The admin JSON endpoints the Workbench adds under ``/_stephost/``.

Recent traces and a step's recent invocations (from the telemetry store), the
contract type of a payload, live counters per step, bulk and edited replays of dead
letters, cron controls, runtime details, stream groups, the saved graph layout, the
endpoint tester's request, a state search, the size of the telemetry store and the
Prometheus metrics. Each response model names the shape in the admin OpenAPI
(``host.workbench.openapi``); the code writes its JSON directly.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any, Protocol

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..bus.base import Publication, QueueBackend
from ..bus.bus import EventBus, new_message_id
from ..catalog import Catalog, StepConfig
from ..contracts import Contracts
from ..cron import CronScheduler, next_tick
from ..errors import NotFoundError, RequestError, ValidationError
from ..http.app import ADMIN_PREFIX
from ..http.bounds import Limit, Name, Text
from ..http.guard import Caller
from ..metrics import INVOCATION_KINDS, HostMetrics, Snapshot
from ..runtimes.pool import RuntimePool
from ..runtimes.supervisor import RuntimeSupervisor
from ..settings import Settings
from ..state.base import StateStore
from ..telemetry import Span, get_logger, recent_logs, spans
from . import models
from .layout import LayoutFile

ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]
STREAM_PREFIX = "$stream:"
SEARCH_LIMIT = 200
SEND_TIMEOUT_S = 120.0

log = get_logger(component="workbench")


class WorkbenchHost(Protocol):
    """What the Workbench's endpoints read of the running host."""

    @property
    def project(self) -> Path: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def catalog(self) -> Catalog: ...

    @property
    def contracts(self) -> Contracts: ...

    @property
    def bus(self) -> EventBus: ...

    @property
    def queue(self) -> QueueBackend: ...

    @property
    def state(self) -> StateStore: ...

    @property
    def pool(self) -> RuntimePool: ...

    @property
    def supervisor(self) -> RuntimeSupervisor: ...

    @property
    def cron(self) -> CronScheduler: ...

    @property
    def metrics(self) -> HostMetrics: ...

    @property
    def app(self) -> Any: ...


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(data, default=str), status_code=status, media_type="application/json"
    )


def summarize(trace_id: str, found: list[Span]) -> dict[str, Any]:
    """One line of the trace list: its entry, status, duration and languages."""
    ids = {s.span_id for s in found}
    roots = [s for s in found if not s.parent_id or s.parent_id not in ids] or found
    entry = min(roots, key=lambda s: s.start_unix_ms)
    start = min(s.start_unix_ms for s in found)
    end = max(s.start_unix_ms + s.duration_ms for s in found)
    hops = [s for s in found if s.kind in INVOCATION_KINDS] or found
    return {
        "traceId": trace_id,
        "entryStep": entry.step,
        "entryName": entry.name,
        "status": "error" if any(s.status != "ok" for s in found) else "ok",
        "startUnixMs": start,
        "durationMs": round(end - start, 3),
        "languages": sorted({s.language for s in hops if s.language}),
        "steps": sorted({s.step for s in hops if s.step}),
        "spanCount": len(found),
    }


def in_flight_by_step(pool: RuntimePool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for conn in pool.connections:
        for entry in conn.in_flight.values():
            counts[entry.step.name] = counts.get(entry.step.name, 0) + 1
    return counts


async def counters(host: WorkbenchHost) -> dict[str, Any]:
    """Per step: handled, failed, in flight, queued, dead."""
    queue = await host.queue.counts()
    running = in_flight_by_step(host.pool)
    steps: dict[str, Any] = {}
    for name in sorted(host.catalog.steps):
        counts = queue.get(name, {})
        done = host.metrics.steps.get(name)
        steps[name] = {
            "handled": done.handled if done else 0,
            "failed": done.failed if done else 0,
            "inFlight": running.get(name, 0),
            "queued": counts.get("ready", 0) + counts.get("delayed", 0),
            "dead": counts.get("dead", 0),
        }
    idle = not any(s["inFlight"] or s["queued"] for s in steps.values())
    return {"steps": steps, "idle": idle}


def _rss_bytes(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _step(host: WorkbenchHost, name: str) -> StepConfig:
    step = host.catalog.steps.get(name)
    if step is None:
        raise NotFoundError(f"no step named {name!r}")
    return step


def build_router(host: WorkbenchHost) -> APIRouter:
    router = APIRouter(prefix=ADMIN_PREFIX)

    @router.get("/whoami", response_model=models.Caller)
    async def whoami(request: Request) -> Response:
        """The caller's role (what the Workbench lets it do) and whether tokens are needed."""
        caller = request.scope.get("state", {}).get("caller") or Caller("admin", False)
        return _json(
            {
                "role": caller.role,
                "authRequired": caller.auth_required,
                "tokenId": caller.token_id,
                "tokenName": caller.token_name,
            }
        )

    @router.get("/traces", response_model=models.TraceList)
    async def traces(
        step: Text = "", status: Text = "", q: Text = "", limit: Limit = 100
    ) -> Response:
        """Recent traces, newest first, filtered by step, status (ok, error) and text."""
        text = q.strip().lower()
        logged: set[str] = set()
        if text:
            logged = {
                str(line.get("trace_id"))
                for line in recent_logs.recent()
                if line.get("trace_id") and text in str(line.get("event", "")).lower()
            }
        items = []
        for trace_id, found in spans.traces():
            if step and not any(s.step == step for s in found):
                continue
            summary = summarize(trace_id, found)
            if status and summary["status"] != status:
                continue
            if text and trace_id not in logged and text not in trace_id:
                names = " ".join(f"{s.name} {s.step}" for s in found).lower()
                if text not in names:
                    continue
            items.append(summary)
            if len(items) >= limit:
                break
        return _json({"items": items})

    @router.get("/steps/{name}/invocations", response_model=models.Invocations)
    async def invocations(name: Name, limit: Limit = 20) -> Response:
        """The step's most recent invocations (spans), newest first."""
        _step(host, name)
        found: list[dict[str, Any]] = []
        for _trace_id, trace in spans.traces():
            for span in reversed(trace):
                if span.step == name and span.kind in INVOCATION_KINDS:
                    found.append(span.to_json())
            if len(found) >= limit:
                break
        found.sort(key=lambda s: -float(s["startUnixMs"]))
        return _json({"items": found[:limit]})

    @router.get("/contracts/{name}", response_model=models.ContractType)
    async def contract(name: Name) -> Response:
        """A message type of the project's contracts, as the JSON Schema payloads follow."""
        descriptor = host.contracts.find(name)
        if descriptor is None:
            known = ", ".join(host.contracts.files) or "none"
            raise NotFoundError(f"no message type {name!r} in the contracts (files: {known})")
        check = host.contracts.check(name)
        return _json({"name": name, "schema": check.schema, "file": descriptor.file.name})

    @router.get("/counters", response_model=models.Counters)
    async def step_counters() -> Response:
        return _json(await counters(host))

    @router.post("/dlq/replay", response_model=models.BulkReplayed)
    async def dlq_replay_many(body: models.ReplayRequest) -> Response:
        """Replay the dead letters named in ``ids``, or every one of ``step``."""
        ids = list(body.ids)
        if body.step is not None:
            ids += [letter.id for letter in await host.bus.dead_letters(body.step, 100_000)]
        replayed, missing = [], []
        for delivery_id in dict.fromkeys(ids):
            try:
                await host.bus.replay(delivery_id)
                replayed.append(delivery_id)
            except NotFoundError:
                missing.append(delivery_id)
        return _json({"replayed": replayed, "missing": missing})

    @router.post("/dlq/{delivery_id}/replay-edited", response_model=models.Replayed)
    async def dlq_replay_edited(delivery_id: Name, body: models.EditedReplay) -> Response:
        """Replay a dead letter with new data (checked against the step's input first)."""
        letter = await host.queue.dead_letter(delivery_id)
        if letter is None:
            raise NotFoundError(f"no dead letter with id {delivery_id!r}")
        step = host.catalog.steps.get(letter.step)
        if step is not None and step.input_schema is not None and step.type == "event":
            errors = step.input_schema.errors(body.data)
            if errors:
                raise ValidationError(
                    f"the edited data does not match the input of {step.name}: "
                    + "; ".join(f"{e['path']}: {e['message']}" for e in errors),
                    errors,
                )
        publication = Publication(
            message_id=new_message_id(),
            topic=letter.topic,
            data=orjson.dumps(body.data),
            traceparent=letter.traceparent,
            steps=(letter.step,),
            trigger="cron" if letter.topic.startswith("cron:") else "event",
        )
        await host.queue.publish([publication], 0)
        await host.queue.delete_dead(delivery_id)
        worker = host.bus.workers.get(letter.step)
        if worker is not None:
            worker.wake()
        log.info("dead letter replayed with edited data", delivery_id=delivery_id, step=letter.step)
        return _json({"id": delivery_id, "step": letter.step, "replayed": True})

    @router.get("/cron", response_model=models.CronJobs)
    async def cron_jobs() -> Response:
        now = time.time()
        last_runs: dict[str, dict[str, Any]] = {}
        for _trace_id, trace in spans.traces():
            for span in trace:
                if span.kind == "cron" and span.step not in last_runs:
                    last_runs[span.step] = span.to_json()
        items = []
        for step in sorted(host.catalog.of_type("cron"), key=lambda s: s.name):
            paused = step.name in host.cron.paused
            items.append(
                {
                    "step": step.name,
                    "cron": step.cron,
                    "language": step.language,
                    "paused": paused,
                    "nextRunMs": None if paused else next_tick(step.cron, now) * 1000,
                    "lastTickMs": await host.queue.last_cron_tick(step.name),
                    "lastRun": last_runs.get(step.name),
                }
            )
        return _json({"items": items})

    def _cron_step(name: str) -> StepConfig:
        step = _step(host, name)
        if step.type != "cron":
            raise NotFoundError(f"step {name!r} is a {step.type} step, not a cron step")
        return step

    @router.post("/cron/{name}/pause", response_model=models.CronJobs)
    async def cron_pause(name: Name) -> Response:
        host.cron.paused.add(_cron_step(name).name)
        log.info("cron paused", step=name)
        return await cron_jobs()

    @router.post("/cron/{name}/resume", response_model=models.CronJobs)
    async def cron_resume(name: Name) -> Response:
        host.cron.paused.discard(_cron_step(name).name)
        log.info("cron resumed", step=name)
        return await cron_jobs()

    @router.get("/runtimes", response_model=models.Runtimes)
    async def runtimes() -> Response:
        now = time.time()
        restarts = dict(host.supervisor.restarts_total)
        items = [
            {
                **{k: v for k, v in conn.to_json().items() if k != "connectedAt"},
                "uptimeS": round(now - conn.connected_at, 3),
                # A remote runtime's pid is another machine's: no RSS from here.
                "rssBytes": _rss_bytes(conn.pid) if conn.where == "local" else None,
                "restarts": restarts.get(conn.language, 0),
            }
            for conn in host.pool.connections
        ]
        return _json({"items": items, "restarts": restarts})

    @router.get("/streams", response_model=models.StreamGroups)
    async def stream_groups() -> Response:
        items = []
        for name in await host.state.groups():
            if not name.startswith(STREAM_PREFIX):
                continue
            stream, _, group = name[len(STREAM_PREFIX) :].partition(":")
            items.append({"stream": stream, "group": group, "count": await host.state.count(name)})
        return _json({"items": items})

    @router.get("/layout", response_model=models.Layout)
    async def get_layout() -> Response:
        """Node positions the user saved (``stephost.workbench.json`` in the project)."""
        return _json(LayoutFile(host.project).read())

    @router.put("/layout", response_model=models.Layout)
    async def put_layout(body: models.Layout) -> Response:
        saved = body.model_dump(mode="json")
        LayoutFile(host.project).write(saved)
        return _json(saved)

    @router.post("/send", response_model=models.SendResult)
    async def send(body: models.SendRequest) -> Response:
        """The endpoint tester: one request to the api steps, answered as it came back."""
        if body.path.startswith(ADMIN_PREFIX):
            raise NotFoundError("the endpoint tester sends requests to api steps only")
        import httpx  # only the endpoint tester needs a client

        transport = httpx.ASGITransport(app=host.app)
        started = time.perf_counter()
        async with httpx.AsyncClient(transport=transport, base_url="http://stephost") as client:
            try:
                response = await client.request(
                    body.method.upper(),
                    body.path,
                    params=body.query,
                    headers=body.headers,
                    content=body.body.encode() if body.body is not None else None,
                    timeout=SEND_TIMEOUT_S,
                )
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
                # a path, method or header no HTTP request can carry (schemathesis found it)
                raise RequestError(f"the request cannot be sent: {exc}") from None
        duration_ms = (time.perf_counter() - started) * 1000
        return _json(
            {
                "status": response.status_code,
                "durationMs": round(duration_ms, 3),
                "headers": dict(response.headers),
                "body": response.text,
                "traceId": response.headers.get("x-trace-id", ""),
            }
        )

    @router.get("/state-search", response_model=models.StateSearch)
    async def state_search(q: Text) -> Response:
        """Keys and values containing ``q`` (ASCII letters in either case), in every group."""
        found = await host.state.search(q, SEARCH_LIMIT + 1)  # one more: truncated?
        items = [
            {"group": group, "key": key, "value": orjson.Fragment(value)}
            for group, key, value in found[:SEARCH_LIMIT]
        ]
        return _json({"items": items, "truncated": len(found) > SEARCH_LIMIT})

    @router.get("/telemetry", response_model=models.TelemetryStore)
    async def telemetry() -> Response:
        """How much the in-memory trace and log store holds, and its bounds."""
        return _json(
            {
                "spans": len(spans),
                "traces": spans.trace_count,
                "logs": len(recent_logs),
                "maxSpans": spans.max_spans,
                "maxLogs": recent_logs.lines.maxlen,
                "maxAgeS": spans.max_age_s,
                "messages": len(host.bus.recent),
                "maxMessages": host.bus.recent.size,
                "messageBytes": host.bus.recent.data_bytes,
            }
        )

    @router.get("/metrics", response_class=Response)
    async def metrics() -> Response:
        """Prometheus text exposition."""
        languages: dict[str, int] = {}
        for conn in host.pool.connections:
            languages[conn.language] = languages.get(conn.language, 0) + 1
        snapshot = Snapshot(
            queue=await host.queue.counts(),
            restarts=dict(host.supervisor.restarts_total),
            runtimes=languages,
        )
        return Response(host.metrics.render(snapshot), media_type="text/plain; version=0.0.4")

    return router
