"""Answers a handler's calls back into the host: emit, state, streams, log.

Part of the host's bridge layer (it reads the generated call messages). Every
call names its invocation, which gives the calling step (for the allowed
emits) and the trace; the reply goes back on the same stream by call id.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson

from stephost.v1 import calls_pb2

from .bus.bus import EventBus
from .contract import failure_to_wire
from .errors import HostError
from .model import Failure
from .runtimes.connection import InFlight, RuntimeConnection
from .state.base import StateStore
from .streams import StreamHub
from .telemetry import Span, get_logger, make_traceparent, new_span_id, spans

log = get_logger(component="handler")
_LEVELS = {
    "debug": "debug",
    "info": "info",
    "warn": "warning",
    "warning": "warning",
    "error": "error",
}


class CallError(HostError):
    """A call the host refuses; the handler sees it as a StepError with this code."""


class HostCalls:
    def __init__(self, bus: EventBus, state: StateStore, streams: StreamHub) -> None:
        self._bus = bus
        self._state = state
        self._streams = streams
        self._tasks: set[asyncio.Task[None]] = set()

    def handle(self, conn: RuntimeConnection, call: calls_pb2.HostCall) -> None:
        kind = call.WhichOneof("call")
        if kind == "log":
            self._log(conn, conn.recent_invocation(call.invocation_id), call.log)
            return
        entry = conn.invocation(call.invocation_id)
        task = asyncio.create_task(self._answer(conn, call, kind or "", entry))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(
        self, conn: RuntimeConnection, call: Any, kind: str, entry: InFlight | None
    ) -> None:
        started = time.perf_counter()
        ok = False
        try:
            method = getattr(self, f"_{kind}", None)
            if method is None:
                raise CallError(f"unknown call {kind!r}", code="UNKNOWN_CALL")
            reply = await method(getattr(call, kind), entry, conn)
            conn.reply(call.call_id, **{kind: reply})
            ok = True
        except HostError as exc:
            conn.reply(call.call_id, error=failure_to_wire(_failure(exc, entry)))
        except Exception as exc:
            log.exception("host call failed", call=kind)
            conn.reply(
                call.call_id,
                error=failure_to_wire(
                    Failure("INTERNAL", f"{kind} failed in the host: {exc!r}", retryable=True)
                ),
            )
        if entry is not None:
            spans.record(_call_span(entry, conn.language, kind, call, started, ok))

    async def _emit(
        self, request: calls_pb2.EmitRequest, entry: InFlight | None, conn: RuntimeConnection
    ) -> calls_pb2.EmitResponse:
        if entry is None:
            raise CallError(
                "emit outside a running invocation (it finished or timed out)",
                code="NOT_IN_INVOCATION",
            )
        step = entry.step
        if request.topic not in step.emits:
            declared = ", ".join(sorted(step.emits)) or "nothing"
            raise CallError(
                f"step {step.name} emitted {request.topic!r}, which is not in its emits "
                f"(it declares {declared})",
                code="EMIT_NOT_ALLOWED",
            )
        check = step.emit_checks.get(request.topic)
        if check is not None:
            errors = check.errors(orjson.loads(request.data or b"null"))
            if errors:
                raise CallError(
                    f"the data {step.name} emitted on {request.topic!r} does not match its "
                    "declared type: " + "; ".join(f"{e['path']}: {e['message']}" for e in errors),
                    code="VALIDATION_FAILED",
                )
        result = await self._bus.emit(
            request.topic,
            request.data or b"null",
            traceparent=make_traceparent(entry.trace_id, entry.span_id),
            trace_id=entry.trace_id,
            emitted_by=step.name,
            group_id=request.group_id,
            idempotency_key=request.idempotency_key,
            delay_ms=request.delay_ms,
        )
        return calls_pb2.EmitResponse(message_id=result.message_id, duplicate=result.duplicate)

    async def _state_get(
        self, request: calls_pb2.StateGetRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StateGetResponse:
        value = await self._state.get(request.group, request.key)
        if value is None:
            return calls_pb2.StateGetResponse(found=False)
        return calls_pb2.StateGetResponse(found=True, value=value)

    async def _state_set(
        self, request: calls_pb2.StateSetRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StateSetResponse:
        await self._state.set(request.group, request.key, request.value or b"null")
        return calls_pb2.StateSetResponse()

    async def _state_delete(
        self, request: calls_pb2.StateDeleteRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StateDeleteResponse:
        deleted = await self._state.delete(request.group, request.key)
        return calls_pb2.StateDeleteResponse(deleted=deleted)

    async def _state_list(
        self, request: calls_pb2.StateListRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StateListResponse:
        items = await self._state.list(request.group)
        return calls_pb2.StateListResponse(
            items=[calls_pb2.StateItem(key=k, value=v) for k, v in items]
        )

    async def _state_clear(
        self, request: calls_pb2.StateClearRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StateClearResponse:
        return calls_pb2.StateClearResponse(deleted=await self._state.clear(request.group))

    async def _stream_set(
        self, request: calls_pb2.StreamSetRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StreamSetResponse:
        await self._streams.set(request.stream, request.group, request.id, request.value or b"null")
        return calls_pb2.StreamSetResponse()

    async def _stream_delete(
        self, request: calls_pb2.StreamDeleteRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StreamDeleteResponse:
        deleted = await self._streams.delete(request.stream, request.group, request.id)
        return calls_pb2.StreamDeleteResponse(deleted=deleted)

    async def _stream_send(
        self, request: calls_pb2.StreamSendRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StreamSendResponse:
        await self._streams.send(
            request.stream, request.group, request.event or b"null", request.id
        )
        return calls_pb2.StreamSendResponse()

    async def _stream_get(
        self, request: calls_pb2.StreamGetRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StreamGetResponse:
        value = await self._streams.get(request.stream, request.group, request.id)
        if value is None:
            return calls_pb2.StreamGetResponse(found=False)
        return calls_pb2.StreamGetResponse(found=True, value=value)

    async def _stream_list(
        self, request: calls_pb2.StreamListRequest, _entry: Any, _conn: Any
    ) -> calls_pb2.StreamListResponse:
        items = await self._streams.items(request.stream, request.group)
        return calls_pb2.StreamListResponse(
            items=[calls_pb2.StreamItem(id=k, value=v) for k, v in items]
        )

    def _log(
        self, conn: RuntimeConnection, entry: InFlight | None, record: calls_pb2.LogRecord
    ) -> None:
        fields: dict[str, Any] = {}
        if record.fields:
            try:
                decoded = orjson.loads(record.fields)
                fields = decoded if isinstance(decoded, dict) else {"fields": decoded}
            except orjson.JSONDecodeError:
                fields = {"fields": record.fields.decode("utf-8", "replace")}
        for reserved in ("event", "level", "timestamp", "step", "language", "trace_id", "span_id"):
            if reserved in fields:
                fields[f"field_{reserved}"] = fields.pop(reserved)
        fields["language"] = conn.language
        if entry is not None:
            fields["step"] = entry.step.name
            fields["trace_id"] = entry.trace_id
            fields["span_id"] = entry.span_id
        method = getattr(log, _LEVELS.get(record.level.lower(), "info"))
        method(record.message, **fields)


def _failure(exc: HostError, entry: InFlight | None) -> Failure:
    return Failure(
        code=exc.code,
        message=exc.message,
        type=type(exc).__name__,
        language="host",
        step=entry.step.name if entry is not None else "",
        retryable=False,
    )


def _call_span(
    entry: InFlight, language: str, kind: str, call: Any, started: float, ok: bool
) -> Span:
    """A child span of the invocation for one of its calls into the host."""
    duration_ms = (time.perf_counter() - started) * 1000
    request = getattr(call, kind, None)
    attributes: dict[str, Any] = {}
    for name in ("topic", "group", "key", "stream", "id"):
        value = getattr(request, name, "")
        if value:
            attributes[name] = value
    target = "/".join(
        str(attributes[n]) for n in ("stream", "group", "key", "id") if n in attributes
    )
    verb = kind.replace("_", ".", 1)
    return Span(
        trace_id=entry.trace_id,
        span_id=new_span_id(),
        parent_id=entry.span_id,
        name=f"{verb} {attributes.get('topic') or target}".rstrip(),
        step=entry.step.name,
        language=language,
        kind=kind.split("_", 1)[0],
        start_unix_ms=time.time() * 1000 - duration_ms,
        duration_ms=duration_ms,
        status="ok" if ok else "error",
        attributes=attributes,
    )
