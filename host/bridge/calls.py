"""A handler's calls into the host (emit, state, streams, log), on the wire side.

Each call arrives as a HostCall naming its invocation; it is decoded here, answered
by the ``HostServices`` the host provides, and the answer (or the error, as the
wire's StepError) goes back as a HostCallReply with the call's id. Log records get
no reply.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from stephost.v1 import calls_pb2

from ..errors import CallRefusedError, HostError, HostStoppingError
from ..invocation import Invocation
from ..model import EmitResult, Failure, RuntimeInfo
from ..telemetry import Span, get_logger, new_span_id, spans
from .wire import failure_to_wire

log = get_logger(component="calls")


@dataclass(frozen=True, slots=True)
class EmitCall:
    """``ctx.emit(topic, data, options)``; ``data`` is JSON."""

    topic: str
    data: bytes
    group_id: str = ""
    idempotency_key: str = ""
    delay_ms: int = 0
    priority: int | None = None  # None: each subscriber's config ``priority``


@dataclass(frozen=True, slots=True)
class LogLine:
    """``ctx.logger.<level>(message, fields)``; ``fields`` is a JSON object or empty."""

    level: str
    message: str
    fields: bytes
    time_unix_ms: int


class HostServices(Protocol):
    """What handlers may ask of the host. ``invocation`` is the call's invocation while
    it runs (None once it finished or timed out). Raising a HostError refuses the call:
    the handler gets a StepError with its code. The defaults refuse every call (for a
    host that runs no handler); the host's ``HostCalls`` serves them all."""

    def emit(self, invocation: Invocation | None, call: EmitCall) -> asyncio.Future[EmitResult]:
        """What is wrong with the emit raises at once; the future resolves once the
        message is durable (no coroutine: emits are answered without a task each)."""
        raise _not_served("emit")

    async def state_get(self, group: str, key: str) -> bytes | None:
        raise _not_served("state.get")

    async def state_set(self, group: str, key: str, value: bytes) -> None:
        raise _not_served("state.set")

    async def state_delete(self, group: str, key: str) -> bool:
        raise _not_served("state.delete")

    async def state_list(self, group: str) -> list[tuple[str, bytes]]:
        raise _not_served("state.list")

    async def state_clear(self, group: str) -> int:
        raise _not_served("state.clear")

    async def stream_set(self, stream: str, group: str, item_id: str, value: bytes) -> None:
        raise _not_served("streams.set")

    async def stream_delete(self, stream: str, group: str, item_id: str) -> bool:
        raise _not_served("streams.delete")

    async def stream_send(self, stream: str, group: str, event: bytes, item_id: str) -> None:
        """``item_id``: the item the event is about; empty for the whole group."""
        raise _not_served("streams.send")

    async def stream_get(self, stream: str, group: str, item_id: str) -> bytes | None:
        raise _not_served("streams.get")

    async def stream_list(self, stream: str, group: str) -> list[tuple[str, bytes]]:
        raise _not_served("streams.list")

    def log(self, runtime: RuntimeInfo, invocation: Invocation | None, line: LogLine) -> None:
        """A log line of a handler (or of the runtime, with no invocation); the default
        drops it."""
        return None


def not_in_invocation(call: calls_pb2.HostCall) -> calls_pb2.HostCallReply:
    """The refusal of a call that names no invocation running on its connection."""
    kind = call.WhichOneof("call") or "call"
    failure = Failure(
        "NOT_IN_INVOCATION",
        f"{kind} refused: invocation {call.invocation_id} was never sent to this runtime "
        "(or finished long ago)",
        language="host",
    )
    return _error(call.call_id, failure)


def _not_served(call: str) -> CallRefusedError:
    return CallRefusedError(f"{call} is not served here: no handler runs", code="NOT_SERVED")


def log_record(
    services: HostServices,
    runtime: RuntimeInfo,
    invocation: Invocation | None,
    record: calls_pb2.LogRecord,
) -> None:
    line = LogLine(record.level, record.message, record.fields, record.time_unix_ms)
    services.log(runtime, invocation, line)


class _Answering:
    """One call being answered: its reply, then its span (for a running invocation)."""

    def __init__(
        self,
        call: calls_pb2.HostCall,
        kind: str,
        invocation: Invocation | None,
        reply: Callable[[calls_pb2.HostCallReply], None],
        runtime: str,
    ) -> None:
        self.call = call
        self.kind = kind
        self.invocation = invocation
        self.reply = reply
        self.runtime = runtime
        self.request: Any = None  # once it is known to be a call of a known kind
        self.started = time.perf_counter()

    def answered(self, response: Any) -> None:
        self.reply(calls_pb2.HostCallReply(call_id=self.call.call_id, **{self.kind: response}))
        self._record(ok=True)

    def failed(self, exc: BaseException) -> None:
        invocation = self.invocation
        if isinstance(exc, HostError):
            step = invocation.step.name if invocation is not None else ""
            failure = exc.as_failure(step, retryable=exc.retryable)
        else:
            log.error("host call failed", call=self.kind, exc_info=exc)
            failure = Failure(
                "INTERNAL", f"{self.kind} failed in the host: {exc!r}", retryable=True
            )
        self.reply(_error(self.call.call_id, failure))
        self._record(ok=False)

    def emitted(self, stored: asyncio.Future[EmitResult]) -> None:
        """The end of an emit: its message is durable, or it failed."""
        if stored.cancelled():  # the host stopped before its write
            topic = self.request.topic
            self.failed(
                HostStoppingError(f"emit on {topic!r}: the host is stopping; nothing was stored")
            )
        elif (error := stored.exception()) is not None:
            self.failed(error)
        else:
            result = stored.result()
            response = calls_pb2.EmitResponse(
                message_id=result.message_id, duplicate=result.duplicate
            )
            self.answered(response)

    def _record(self, *, ok: bool) -> None:
        if self.invocation is not None:
            span = _call_span(
                self.invocation, self.runtime, self.kind, self.request, self.started, ok
            )
            spans.record(span)


def answer(
    services: HostServices,
    call: calls_pb2.HostCall,
    invocation: Invocation | None,
    reply: Callable[[calls_pb2.HostCallReply], None],
    runtime: str,
) -> Coroutine[Any, Any, None] | None:
    """Answer one call (anything but a log record) through ``reply``; a call made for a
    running invocation is recorded as a span of it. ``runtime``: the caller's language.
    An emit is answered from the callback of its stored message (None is returned: the
    most frequent call costs no task); any other call by the coroutine returned."""
    kind = call.WhichOneof("call") or ""
    answering = _Answering(call, kind, invocation, reply, runtime)
    if kind != "emit":
        return _serve(services, answering)
    answering.request = request = call.emit
    try:
        stored = services.emit(invocation, _emit_call(request))
    except Exception as exc:
        answering.failed(exc)
        return None
    stored.add_done_callback(answering.emitted)
    return None


async def _serve(services: HostServices, answering: _Answering) -> None:
    kind = answering.kind
    try:
        serve = _SERVE.get(kind)
        if serve is None:
            raise CallRefusedError(f"unknown call {kind!r}", code="UNKNOWN_CALL")
        answering.request = getattr(answering.call, kind)
        response = await serve(services, answering.request, answering.invocation)
    except Exception as exc:
        answering.failed(exc)
        return
    answering.answered(response)


# Per kind of call, the fields of its request a span shows (those it has: asking a
# message for a field it lacks costs more than the rest of the span).
_SPAN_FIELDS = {
    field.name: tuple(
        name
        for name in ("topic", "group", "key", "stream", "id")
        if name in field.message_type.fields_by_name
    )
    for field in calls_pb2.HostCall.DESCRIPTOR.oneofs_by_name["call"].fields
    if field.message_type is not None  # each is a message
}


def _call_span(
    invocation: Invocation, runtime: str, kind: str, request: Any, started: float, ok: bool
) -> Span:
    """A child span of the invocation for one of its calls into the host."""
    duration_ms = (time.perf_counter() - started) * 1000
    attributes: dict[str, Any] = {}
    for name in _SPAN_FIELDS.get(kind, ()) if request is not None else ():
        value = getattr(request, name)
        if value:
            attributes[name] = value
    target = "/".join(
        str(attributes[n]) for n in ("stream", "group", "key", "id") if n in attributes
    )
    verb = kind.replace("_", ".", 1)
    return Span(
        trace_id=invocation.trace_id,
        span_id=new_span_id(),
        parent_id=invocation.span_id,
        name=f"{verb} {attributes.get('topic') or target}".rstrip(),
        step=invocation.step.name,
        language=runtime,
        kind=kind.split("_", 1)[0],
        start_unix_ms=time.time() * 1000 - duration_ms,
        duration_ms=duration_ms,
        status="ok" if ok else "error",
        attributes=attributes,
    )


def _error(call_id: int, failure: Failure) -> calls_pb2.HostCallReply:
    return calls_pb2.HostCallReply(call_id=call_id, error=failure_to_wire(failure))


def _emit_call(request: calls_pb2.EmitRequest) -> EmitCall:
    return EmitCall(
        request.topic,
        request.data or b"null",
        request.group_id,
        request.idempotency_key,
        request.delay_ms,
        request.priority if request.HasField("priority") else None,
    )


async def _state_get(
    services: HostServices, request: calls_pb2.StateGetRequest, _invocation: Any
) -> calls_pb2.StateGetResponse:
    value = await services.state_get(request.group, request.key)
    if value is None:
        return calls_pb2.StateGetResponse(found=False)
    return calls_pb2.StateGetResponse(found=True, value=value)


async def _state_set(
    services: HostServices, request: calls_pb2.StateSetRequest, _invocation: Any
) -> calls_pb2.StateSetResponse:
    await services.state_set(request.group, request.key, request.value or b"null")
    return calls_pb2.StateSetResponse()


async def _state_delete(
    services: HostServices, request: calls_pb2.StateDeleteRequest, _invocation: Any
) -> calls_pb2.StateDeleteResponse:
    deleted = await services.state_delete(request.group, request.key)
    return calls_pb2.StateDeleteResponse(deleted=deleted)


async def _state_list(
    services: HostServices, request: calls_pb2.StateListRequest, _invocation: Any
) -> calls_pb2.StateListResponse:
    items = await services.state_list(request.group)
    return calls_pb2.StateListResponse(
        items=[calls_pb2.StateItem(key=k, value=v) for k, v in items]
    )


async def _state_clear(
    services: HostServices, request: calls_pb2.StateClearRequest, _invocation: Any
) -> calls_pb2.StateClearResponse:
    return calls_pb2.StateClearResponse(deleted=await services.state_clear(request.group))


async def _stream_set(
    services: HostServices, request: calls_pb2.StreamSetRequest, _invocation: Any
) -> calls_pb2.StreamSetResponse:
    value = request.value or b"null"
    await services.stream_set(request.stream, request.group, request.id, value)
    return calls_pb2.StreamSetResponse()


async def _stream_delete(
    services: HostServices, request: calls_pb2.StreamDeleteRequest, _invocation: Any
) -> calls_pb2.StreamDeleteResponse:
    deleted = await services.stream_delete(request.stream, request.group, request.id)
    return calls_pb2.StreamDeleteResponse(deleted=deleted)


async def _stream_send(
    services: HostServices, request: calls_pb2.StreamSendRequest, _invocation: Any
) -> calls_pb2.StreamSendResponse:
    event = request.event or b"null"
    await services.stream_send(request.stream, request.group, event, request.id)
    return calls_pb2.StreamSendResponse()


async def _stream_get(
    services: HostServices, request: calls_pb2.StreamGetRequest, _invocation: Any
) -> calls_pb2.StreamGetResponse:
    value = await services.stream_get(request.stream, request.group, request.id)
    if value is None:
        return calls_pb2.StreamGetResponse(found=False)
    return calls_pb2.StreamGetResponse(found=True, value=value)


async def _stream_list(
    services: HostServices, request: calls_pb2.StreamListRequest, _invocation: Any
) -> calls_pb2.StreamListResponse:
    items = await services.stream_list(request.stream, request.group)
    return calls_pb2.StreamListResponse(
        items=[calls_pb2.StreamItem(id=k, value=v) for k, v in items]
    )


# Every call but an emit (answered by ``answer`` itself) and a log record (``log_record``).
_SERVE: dict[str, Callable[[HostServices, Any, Invocation | None], Awaitable[Any]]] = {
    "state_get": _state_get,
    "state_set": _state_set,
    "state_delete": _state_delete,
    "state_list": _state_list,
    "state_clear": _state_clear,
    "stream_set": _stream_set,
    "stream_delete": _stream_delete,
    "stream_send": _stream_send,
    "stream_get": _stream_get,
    "stream_list": _stream_list,
}
