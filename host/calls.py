"""What a handler may ask of the host: emit, state, streams, log.

``HostCalls`` is the ``HostServices`` the bridge serves handlers' calls with. An
emit is checked against the calling step's config (the topic must be declared, the
data must match its type) and carries the invocation's trace; log lines are
written with the step, the language and the trace id.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from .bridge.calls import EmitCall, LogLine
from .bus.bus import EventBus
from .errors import CallRefusedError, MessageTooLargeError, ValidationError
from .invocation import Invocation
from .model import EmitResult, RuntimeInfo
from .state.base import StateStore
from .streams import StreamHub
from .telemetry import get_logger, level_enabled, make_traceparent

log = get_logger(component="handler")
_LEVELS = {
    "debug": "debug",
    "info": "info",
    "warn": "warning",
    "warning": "warning",
    "error": "error",
}
# Fields a handler's log line may not set: the host sets them.
_RESERVED = ("event", "level", "timestamp", "step", "language", "trace_id", "span_id")


class HostCalls:
    def __init__(self, bus: EventBus, state: StateStore, streams: StreamHub) -> None:
        self._bus = bus
        self._state = state
        self._streams = streams

    def emit(self, invocation: Invocation | None, call: EmitCall) -> asyncio.Future[EmitResult]:
        if invocation is None:
            raise CallRefusedError(
                "emit outside a running invocation (it finished or timed out)",
                code="NOT_IN_INVOCATION",
            )
        step = invocation.step
        if call.topic not in step.emits:
            declared = ", ".join(sorted(step.emits)) or "nothing"
            raise CallRefusedError(
                f"step {step.name} emitted {call.topic!r}, which is not in its emits "
                f"(it declares {declared})",
                code="EMIT_NOT_ALLOWED",
            )
        check = step.emit_checks.get(call.topic)
        if check is not None:
            errors = check.errors(orjson.loads(call.data))
            if errors:
                raise ValidationError(
                    f"the data {step.name} emitted on {call.topic!r} does not match its "
                    "declared type",
                    errors,
                )
        return self._bus.emit(
            call.topic,
            call.data,
            traceparent=make_traceparent(invocation.trace_id, invocation.span_id),
            trace_id=invocation.trace_id,
            emitted_by=step.name,
            group_id=call.group_id,
            idempotency_key=call.idempotency_key,
            delay_ms=call.delay_ms,
            tracestate=invocation.tracestate,
            priority=call.priority,
        )

    async def state_get(self, group: str, key: str) -> bytes | None:
        value = await self._state.get(group, key)
        if value is not None:
            self._fits(f"the state value {group}/{key}", len(value))
        return value

    async def state_set(self, group: str, key: str, value: bytes) -> None:
        await self._state.set(group, key, value)

    async def state_delete(self, group: str, key: str) -> bool:
        return await self._state.delete(group, key)

    async def state_list(self, group: str) -> list[tuple[str, bytes]]:
        items = await self._state.list(group)
        self._fits(f"the state group {group!r}", sum(len(k) + len(v) for k, v in items))
        return items

    async def state_clear(self, group: str) -> int:
        return await self._state.clear(group)

    async def stream_set(self, stream: str, group: str, item_id: str, value: bytes) -> None:
        await self._streams.set(stream, group, item_id, value)

    async def stream_delete(self, stream: str, group: str, item_id: str) -> bool:
        return await self._streams.delete(stream, group, item_id)

    async def stream_send(self, stream: str, group: str, event: bytes, item_id: str) -> None:
        await self._streams.send(stream, group, event, item_id)

    async def stream_get(self, stream: str, group: str, item_id: str) -> bytes | None:
        return await self._streams.get(stream, group, item_id)

    async def stream_list(self, stream: str, group: str) -> list[tuple[str, bytes]]:
        items = await self._streams.items(stream, group)
        self._fits(f"the stream group {stream}/{group}", sum(len(k) + len(v) for k, v in items))
        return items

    def _fits(self, what: str, size: int) -> None:
        """A reply must fit in one message to the runtime (max_message_bytes)."""
        if size > self._bus.max_message_bytes:
            raise MessageTooLargeError(
                f"{what} is {size} bytes, more than one message to a runtime may carry "
                f"({self._bus.max_message_bytes} bytes, max_message_bytes); read its "
                "values one at a time"
            )

    def log(self, runtime: RuntimeInfo, invocation: Invocation | None, line: LogLine) -> None:
        level = _LEVELS.get(line.level.lower(), "info")
        if not level_enabled(level):
            return  # below the host's level: nothing to decode
        fields: dict[str, Any] = {}
        if line.fields:
            try:
                decoded = orjson.loads(line.fields)
                fields = decoded if isinstance(decoded, dict) else {"fields": decoded}
            except orjson.JSONDecodeError:
                fields = {"fields": line.fields.decode("utf-8", "replace")}
        for reserved in _RESERVED:
            if reserved in fields:
                fields[f"field_{reserved}"] = fields.pop(reserved)
        fields["language"] = runtime.language
        if invocation is not None:
            fields["step"] = invocation.step.name
            fields["trace_id"] = invocation.trace_id
            fields["span_id"] = invocation.span_id
        getattr(log, level)(line.message, **fields)
