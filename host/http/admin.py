"""The host's own JSON API under /_stephost/ (the CLI and the Workbench read it),
plus /openapi.json and /docs for the api steps."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi_offline import FastAPIOffline

from .. import __version__
from ..bus.base import DeadLetter
from ..errors import (
    HostError,
    InvalidJsonError,
    NotFoundError,
    UnknownTopicError,
    errors_text,
    http_error,
)
from ..telemetry import (
    get_logger,
    make_traceparent,
    new_span_id,
    new_trace_id,
    parse_traceparent,
    recent_logs,
    spans,
)
from ..workbench.models import EmitRequest
from .app import DOCS_ASSETS
from .bounds import MAX_LIMIT, Limit, Name, OptLimit, OptName, Text
from .openapi import build_openapi
from .operator import operator_routes
from .sockets import until_closed
from .view import HostView

PREFIX = "/_stephost"

log = get_logger(component="admin")


def _json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def _trace_id(request: Request) -> str:
    return str(getattr(request.state, "trace_id", "") or new_trace_id())


def _dead_letter(letter: DeadLetter) -> dict[str, Any]:
    trace = parse_traceparent(letter.traceparent)
    return {
        "id": letter.id,
        "messageId": letter.message_id,
        "step": letter.step,
        "topic": letter.topic,
        "data": orjson.Fragment(letter.data),
        "traceId": trace[0] if trace else "",
        "attempts": letter.attempts,
        "error": letter.error,
        "createdMs": letter.created_ms,
        "deadMs": letter.dead_ms,
    }


def build_admin(host: HostView) -> FastAPI:
    # Swagger UI at /docs with its assets served from the fastapi-offline package, not a
    # CDN, so the page works offline.
    app = FastAPIOffline(
        title="stephost", version=__version__, redoc_url=None, static_url=DOCS_ASSETS
    )

    def openapi() -> dict[str, Any]:
        return build_openapi(host.catalog, f"{host.project.name} (stephost)", __version__)

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(operator_routes(host))

    @app.exception_handler(HostError)
    async def host_error(request: Request, exc: HostError) -> Response:
        return _json(exc.to_json(_trace_id(request)), exc.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "path": "/" + "/".join(str(p) for p in e["loc"][1:]),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        body = {
            "error": {
                "code": "VALIDATION_FAILED",
                "message": errors_text(errors),
                "errors": errors,
                "traceId": _trace_id(request),
            }
        }
        return _json(body, 400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error(
            "admin request failed",
            method=request.method,
            path=request.url.path,
            trace_id=_trace_id(request),
            exc_info=exc,
        )
        error = http_error(exc)
        return _json(error.to_json(_trace_id(request)), error.status)

    @app.get(f"{PREFIX}/health", include_in_schema=False)
    async def health() -> Response:
        return _json(host.status())

    @app.get(f"{PREFIX}/steps", include_in_schema=False)
    async def steps() -> Response:
        return _json(
            {
                "steps": [s.to_json() for s in sorted(host.catalog.steps.values(), key=_by_name)],
                "problems": [p.to_json() for p in host.catalog.problems],
                "warnings": host.catalog.warnings(),
                "streams": [s.to_json() for _, s in sorted(host.catalog.streams.items())],
                "notes": [n.to_json() for n in host.catalog.notes],
                # steps whose runtime is not connected now (restarting)
                "unavailable": sorted(host.catalog.unavailable),
            }
        )

    @app.get(f"{PREFIX}/state", include_in_schema=False)
    async def state_groups() -> Response:
        groups = [g for g in await host.state.groups() if not g.startswith("$stream:")]
        return _json({"groups": groups})

    @app.get(f"{PREFIX}/state/{{group}}", include_in_schema=False)
    async def state_list(group: Name, limit: OptLimit = None, after: Text = "") -> Response:
        if limit is None and not after:
            items, more = await host.state.list(group), False
        else:
            size = limit or MAX_LIMIT
            items = await host.state.page(group, after, size + 1)  # one more: is there?
            items, more = items[:size], len(items) > size
        listed = [_item(k, v) for k, v in items]
        return _json({"group": group, "items": listed, "next": items[-1][0] if more else None})

    @app.delete(f"{PREFIX}/state/{{group}}", include_in_schema=False)
    async def state_clear(group: Name) -> Response:
        return _json({"group": group, "deleted": await host.state.clear(group)})

    @app.get(f"{PREFIX}/state/{{group}}/{{key}}", include_in_schema=False)
    async def state_get(group: Name, key: Name) -> Response:
        value = await host.state.get(group, key)
        if value is None:
            raise NotFoundError(f"no state value at {group}/{key}")
        return _json(_item(key, value, group))

    @app.put(f"{PREFIX}/state/{{group}}/{{key}}", include_in_schema=False)
    async def state_set(group: Name, key: Name, request: Request) -> Response:
        raw = await request.body()
        try:
            orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidJsonError(f"the value is not valid JSON: {exc}") from None
        await host.state.set(group, key, raw)
        return _json(_item(key, raw, group))

    @app.delete(f"{PREFIX}/state/{{group}}/{{key}}", include_in_schema=False)
    async def state_delete(group: Name, key: Name) -> Response:
        if not await host.state.delete(group, key):
            raise NotFoundError(f"no state value at {group}/{key}")
        return Response(status_code=204)

    @app.post(f"{PREFIX}/emit", include_in_schema=False)
    async def emit(body: EmitRequest, request: Request) -> Response:
        if not host.catalog.subscribers(body.topic):
            known = ", ".join(sorted(host.catalog.by_topic)) or "none"
            raise UnknownTopicError(
                f"no step subscribes to {body.topic!r} (subscribed topics: {known})"
            )
        trace_id = _trace_id(request)
        result = await host.bus.emit(
            body.topic,
            orjson.dumps(body.data),
            traceparent=make_traceparent(trace_id, new_span_id()),
            trace_id=trace_id,
            emitted_by="api:/_stephost/emit",
            group_id=body.groupId,
            idempotency_key=body.idempotencyKey,
            delay_ms=body.delayMs,
            priority=body.priority,
        )
        return _json(
            {
                "messageId": result.message_id,
                "duplicate": result.duplicate,
                "subscribers": list(result.subscribers),
                "traceId": trace_id,
            },
            202,
        )

    @app.get(f"{PREFIX}/dlq", include_in_schema=False)
    async def dlq_list(step: OptName = None, limit: Limit = 100) -> Response:
        letters = await host.bus.dead_letters(step, limit)
        return _json({"items": [_dead_letter(letter) for letter in letters]})

    @app.get(f"{PREFIX}/dlq/{{delivery_id}}", include_in_schema=False)
    async def dlq_get(delivery_id: Name) -> Response:
        return _json(_dead_letter(await host.bus.dead_letter(delivery_id)))

    @app.post(f"{PREFIX}/dlq/{{delivery_id}}/replay", include_in_schema=False)
    async def dlq_replay(delivery_id: Name) -> Response:
        step = await host.bus.replay(delivery_id)
        return _json({"id": delivery_id, "step": step, "replayed": True})

    @app.delete(f"{PREFIX}/dlq/{{delivery_id}}", include_in_schema=False)
    async def dlq_delete(delivery_id: Name) -> Response:
        await host.bus.delete_dead(delivery_id)
        return Response(status_code=204)

    @app.get(f"{PREFIX}/stats", include_in_schema=False)
    async def stats() -> Response:
        return _json(await host.bus.stats())

    @app.get(f"{PREFIX}/idle", include_in_schema=False)
    async def idle() -> Response:
        return _json({"idle": await host.bus.idle()})

    @app.get(f"{PREFIX}/messages", include_in_schema=False)
    async def messages(topic: OptName = None, limit: Limit = 1000) -> Response:
        found = [m for m in host.bus.recent if topic is None or m.topic == topic][-limit:]
        return _json(
            {
                "items": [
                    {
                        "messageId": m.message_id,
                        "topic": m.topic,
                        "data": orjson.Fragment(m.data),
                        "traceId": m.trace_id,
                        "emittedBy": m.emitted_by,
                        "timeMs": m.time_ms,
                        "priority": m.priority,
                    }
                    for m in found
                ]
            }
        )

    @app.get(f"{PREFIX}/traces/{{trace_id}}", include_in_schema=False)
    async def trace(trace_id: Name) -> Response:
        found = spans.for_trace(trace_id)
        logs = recent_logs.for_trace(trace_id)
        if not found and not logs:
            raise NotFoundError(f"no trace {trace_id!r} among the recent ones")
        return _json({"traceId": trace_id, "spans": [s.to_json() for s in found], "logs": logs})

    @app.get(f"{PREFIX}/streams/{{stream}}/{{group}}", include_in_schema=False)
    async def stream_items(stream: Name, group: Name) -> Response:
        items = await host.streams.items(stream, group)
        return _json({"items": [{"id": k, "value": orjson.Fragment(v)} for k, v in items]})

    @app.websocket(f"{PREFIX}/streams/{{stream}}/{{group}}")
    async def stream_socket(websocket: WebSocket, stream: Name, group: Name) -> None:
        await websocket.accept()
        queue = host.streams.subscribe(stream, group)
        try:
            items = await host.streams.items(stream, group)
            snapshot = {
                "type": "snapshot",
                "items": [{"id": k, "value": orjson.Fragment(v)} for k, v in items],
            }
            await websocket.send_text(orjson.dumps(snapshot).decode())
            closed = asyncio.ensure_future(until_closed(websocket))
            while not closed.done():
                update = asyncio.ensure_future(queue.get())
                await asyncio.wait({update, closed}, return_when=asyncio.FIRST_COMPLETED)
                if update.done():
                    await websocket.send_text(update.result().decode())
                else:
                    update.cancel()
        except WebSocketDisconnect:
            pass
        finally:
            host.streams.unsubscribe(stream, group, queue)

    from ..workbench import mount

    mount(app, host)
    return app


def _item(key: str, value: bytes, group: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"key": key, "value": orjson.Fragment(value)}
    if group is not None:
        item["group"] = group
    return item


def _by_name(step: Any) -> str:
    return str(step.name)
