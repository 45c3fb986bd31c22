"""The context every handler gets: emit, state, streams, logger, trace, deadline.

Async handlers get a ``Context`` whose calls are awaited. Sync handlers run on a
worker thread and get a ``SyncContext`` with the same methods, which block.
Every call travels to the host over the runtime's stream (see ``_bridge``).

When the host stops waiting (the step's timeout passed, or the HTTP client went
away) ``ctx.cancelled`` becomes True; an async handler's task is also cancelled
(``asyncio.CancelledError`` is raised where it awaits). A sync handler keeps running
on its thread: check ``ctx.cancelled`` to stop early. ``ctx.deadline`` is when the
host stops waiting, as an aware UTC ``datetime``.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Awaitable, Coroutine, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from stephost import motia
from stephost.types import StateItem, StreamItem

T = TypeVar("T")

# A message's priority (the host checks the same bounds): higher is taken first.
MIN_PRIORITY, MAX_PRIORITY = 0, 9


class HostLink(Protocol):
    """The calls a context makes into the host; implemented by the bridge."""

    def emit(
        self,
        invocation_id: int,
        topic: str,
        data: Any,
        group_id: str,
        idempotency_key: str,
        delay_ms: int,
        priority: int | None = None,
    ) -> Awaitable[str]: ...

    async def state_get(self, invocation_id: int, group: str, key: str) -> Any: ...

    async def state_set(self, invocation_id: int, group: str, key: str, value: Any) -> None: ...

    async def state_delete(self, invocation_id: int, group: str, key: str) -> bool: ...

    async def state_list(self, invocation_id: int, group: str) -> list[StateItem]: ...

    async def state_clear(self, invocation_id: int, group: str) -> int: ...

    async def stream_set(
        self, invocation_id: int, stream: str, group: str, item_id: str, value: Any
    ) -> None: ...

    async def stream_delete(
        self, invocation_id: int, stream: str, group: str, item_id: str
    ) -> bool: ...

    async def stream_send(
        self, invocation_id: int, stream: str, group: str, event: Any, item_id: str
    ) -> None: ...

    async def stream_get(
        self, invocation_id: int, stream: str, group: str, item_id: str
    ) -> Any: ...

    async def stream_list(
        self, invocation_id: int, stream: str, group: str
    ) -> list[StreamItem]: ...

    def log(self, invocation_id: int, level: str, message: str, fields: dict[str, Any]) -> None: ...


class State:
    """Key/value groups of JSON values, kept by the host."""

    __slots__ = ("_id", "_link")

    def __init__(self, link: HostLink, invocation_id: int) -> None:
        self._link = link
        self._id = invocation_id

    async def get(self, group: str, key: str) -> Any:
        """The value, or None when the key does not exist."""
        return await self._link.state_get(self._id, group, key)

    async def set(self, group: str, key: str, value: T) -> T:
        """Store ``value``; returns it."""
        await self._link.state_set(self._id, group, key, value)
        return value

    async def delete(self, group: str, key: str) -> bool:
        """Whether the key existed."""
        return await self._link.state_delete(self._id, group, key)

    async def list(self, group: str) -> list[StateItem]:
        """Every ``{key, value}`` of the group, ordered by key."""
        return await self._link.state_list(self._id, group)

    async def clear(self, group: str) -> int:
        """How many keys were deleted."""
        return await self._link.state_clear(self._id, group)

    async def get_group(self, group: str) -> builtins.list[Any]:
        """The group's values, ordered by key (Motia's ``getGroup``)."""
        return [item["value"] for item in await self.list(group)]

    getGroup = get_group  # Motia's spelling


class Streams:
    """Live data pushed to clients subscribed over WebSocket.

    ``ctx.streams.<name>`` is one stream with Motia's methods (``motia.StreamHandle``).
    """

    __slots__ = ("_id", "_link")

    def __init__(self, link: HostLink, invocation_id: int) -> None:
        self._link = link
        self._id = invocation_id

    async def set(self, stream: str, group: str, item_id: str, value: Any) -> None:
        await self._link.stream_set(self._id, stream, group, item_id, value)

    async def delete(self, stream: str, group: str, item_id: str) -> bool:
        return await self._link.stream_delete(self._id, stream, group, item_id)

    async def send(
        self, stream: str, group: str, event: Any, *, item_id: str | None = None
    ) -> None:
        """An ephemeral event (not stored); ``item_id`` names the item it is about."""
        await self._link.stream_send(self._id, stream, group, event, item_id or "")

    async def get(self, stream: str, group: str, item_id: str) -> Any:
        """The item's value, or None."""
        return await self._link.stream_get(self._id, stream, group, item_id)

    async def list(self, stream: str, group: str) -> list[StreamItem]:
        """Every ``{id, value}`` of the group, ordered by id."""
        return await self._link.stream_list(self._id, stream, group)

    def __getattr__(self, name: str) -> motia.StreamHandle:
        return motia.StreamHandle(self, motia.stream_name(name))


class Logger:
    """Structured logs; the host adds the trace id, step and language."""

    __slots__ = ("_id", "_link")

    def __init__(self, link: HostLink, invocation_id: int) -> None:
        self._link = link
        self._id = invocation_id

    def debug(self, message: str, fields: Any = None, /, **more: Any) -> None:
        self._link.log(self._id, "debug", message, motia.log_fields(fields, more))

    def info(self, message: str, fields: Any = None, /, **more: Any) -> None:
        """``info("scored", order_id=1)``, or with a dict: ``info("scored", {...})``."""
        self._link.log(self._id, "info", message, motia.log_fields(fields, more))

    def warn(self, message: str, fields: Any = None, /, **more: Any) -> None:
        self._link.log(self._id, "warn", message, motia.log_fields(fields, more))

    warning = warn

    def error(self, message: str, fields: Any = None, /, **more: Any) -> None:
        self._link.log(self._id, "error", message, motia.log_fields(fields, more))


class Cancellation:
    """Whether the host stopped waiting for an invocation; set by the runtime (on its
    loop), read by the handler (on any thread)."""

    __slots__ = ("cancelled",)

    def __init__(self) -> None:
        self.cancelled = False


class Context:
    """What an async handler gets as ``ctx``."""

    __slots__ = (
        "_cancellation",
        "_deadline_ms",
        "_id",
        "_link",
        "_logger",
        "_state",
        "_streams",
        "attempt",
        "auth",
        "step",
        "trace_id",
        "trace_state",
    )

    def __init__(
        self,
        link: HostLink,
        invocation_id: int,
        step: str,
        trace_id: str,
        attempt: int,
        *,
        deadline_ms: int = 0,
        trace_state: str = "",
        cancellation: Cancellation | None = None,
        auth: Any = None,
    ) -> None:
        self._link = link
        self._id = invocation_id
        self.step = step
        self.trace_id = trace_id
        self.trace_state = trace_state  # the W3C tracestate that came with the trace
        self.attempt = attempt
        # The principal the api step's `auth` accepted (an API key's name, a JWT's claims,
        # what an auth step returned); None when the step has no auth.
        self.auth = auth
        self._deadline_ms = deadline_ms
        self._cancellation = cancellation or Cancellation()
        # Made when first used: most handlers touch one or two of them.
        self._state: State | None = None
        self._streams: Streams | None = None
        self._logger: Logger | None = None

    @property
    def state(self) -> State:
        """Key/value groups of JSON values, kept by the host."""
        if self._state is None:
            self._state = State(self._link, self._id)
        return self._state

    @property
    def streams(self) -> Streams:
        """Live data pushed to clients subscribed over WebSocket."""
        if self._streams is None:
            self._streams = Streams(self._link, self._id)
        return self._streams

    @property
    def logger(self) -> Logger:
        """Structured logs; the host adds the trace id, step and language."""
        if self._logger is None:
            self._logger = Logger(self._link, self._id)
        return self._logger

    @property
    def cancelled(self) -> bool:
        """True once the host stopped waiting (timeout, or the HTTP client went away)."""
        return self._cancellation.cancelled

    @property
    def deadline(self) -> datetime | None:
        """When the host stops waiting for this invocation (aware, UTC); None for never."""
        if not self._deadline_ms:
            return None
        return datetime.fromtimestamp(self._deadline_ms / 1000, UTC)

    def emit(
        self,
        topic: str | Mapping[str, Any],
        data: Any = None,
        *,
        group_id: str | None = None,
        idempotency_key: str | None = None,
        delay_ms: int = 0,
        priority: int | None = None,
    ) -> Awaitable[str]:
        """Publish ``data`` on ``topic``: sent at once, and what it returns resolves to
        the message id once the message is durable (``await ctx.emit(...)``).

        ``group_id`` orders delivery within a group, ``idempotency_key`` drops a
        repeat within the dedup window, ``delay_ms`` defers delivery, ``priority``
        (0 to 9, higher first; None: each subscriber's config ``priority``) chooses
        which ready message a subscriber takes first.
        Motia's form works too: ``emit({"topic", "data", "messageGroupId"})``.
        """
        if priority is not None and (
            isinstance(priority, bool)
            or not isinstance(priority, int)
            or not MIN_PRIORITY <= priority <= MAX_PRIORITY
        ):
            raise ValueError(
                f"emit: `priority` must be an integer from {MIN_PRIORITY} to {MAX_PRIORITY} "
                f"(higher runs first), got {priority!r}"
            )
        if isinstance(topic, Mapping):
            topic, data, group_id = motia.emit_args(topic)
        return self._link.emit(
            self._id, topic, data, group_id or "", idempotency_key or "", delay_ms, priority
        )


class _Blocking:
    """Runs a context coroutine on the runtime's loop from a worker thread."""

    __slots__ = ("_loop",)

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()


class SyncState:
    """``State`` for sync handlers: the same methods, blocking."""

    __slots__ = ("_block", "_state")

    def __init__(self, state: State, block: _Blocking) -> None:
        self._state = state
        self._block = block

    def get(self, group: str, key: str) -> Any:
        return self._block.run(self._state.get(group, key))

    def set(self, group: str, key: str, value: T) -> T:
        return self._block.run(self._state.set(group, key, value))

    def delete(self, group: str, key: str) -> bool:
        return self._block.run(self._state.delete(group, key))

    def list(self, group: str) -> list[StateItem]:
        return self._block.run(self._state.list(group))

    def clear(self, group: str) -> int:
        return self._block.run(self._state.clear(group))

    def get_group(self, group: str) -> builtins.list[Any]:
        return self._block.run(self._state.get_group(group))

    getGroup = get_group  # Motia's spelling


class SyncStreams:
    """``Streams`` for sync handlers: the same methods, blocking."""

    __slots__ = ("_block", "_streams")

    def __init__(self, streams: Streams, block: _Blocking) -> None:
        self._streams = streams
        self._block = block

    def set(self, stream: str, group: str, item_id: str, value: Any) -> None:
        self._block.run(self._streams.set(stream, group, item_id, value))

    def delete(self, stream: str, group: str, item_id: str) -> bool:
        return self._block.run(self._streams.delete(stream, group, item_id))

    def send(self, stream: str, group: str, event: Any, *, item_id: str | None = None) -> None:
        self._block.run(self._streams.send(stream, group, event, item_id=item_id))

    def get(self, stream: str, group: str, item_id: str) -> Any:
        return self._block.run(self._streams.get(stream, group, item_id))

    def list(self, stream: str, group: str) -> list[StreamItem]:
        return self._block.run(self._streams.list(stream, group))

    def __getattr__(self, name: str) -> motia.SyncStreamHandle:
        handle = motia.StreamHandle(self._streams, motia.stream_name(name))
        return motia.SyncStreamHandle(handle, self._block.run)


class SyncContext:
    """What a sync (``def``) handler gets as ``ctx``: every call blocks."""

    __slots__ = (
        "_block",
        "_ctx",
        "attempt",
        "auth",
        "logger",
        "state",
        "step",
        "streams",
        "trace_id",
        "trace_state",
    )

    def __init__(self, ctx: Context, loop: asyncio.AbstractEventLoop) -> None:
        self._ctx = ctx
        self._block = _Blocking(loop)
        self.step = ctx.step
        self.trace_id = ctx.trace_id
        self.trace_state = ctx.trace_state
        self.attempt = ctx.attempt
        self.auth = ctx.auth
        self.logger = ctx.logger
        self.state = SyncState(ctx.state, self._block)
        self.streams = SyncStreams(ctx.streams, self._block)

    @property
    def cancelled(self) -> bool:
        """True once the host stopped waiting: a long sync handler should check it."""
        return self._ctx.cancelled

    @property
    def deadline(self) -> datetime | None:
        """When the host stops waiting for this invocation (aware, UTC); None for never."""
        return self._ctx.deadline

    def emit(
        self,
        topic: str | Mapping[str, Any],
        data: Any = None,
        *,
        group_id: str | None = None,
        idempotency_key: str | None = None,
        delay_ms: int = 0,
        priority: int | None = None,
    ) -> str:
        """Publish ``data`` on ``topic``; returns once the message is durable."""

        async def emit() -> str:  # on the runtime's loop, where calls are queued
            return await self._ctx.emit(
                topic,
                data,
                group_id=group_id,
                idempotency_key=idempotency_key,
                delay_ms=delay_ms,
                priority=priority,
            )

        return self._block.run(emit())
