"""Motia 0.x compatibility: the forms a Motia Python step uses, mapped onto the native SDK.

A step written for Motia runs unchanged; nothing here has a path of its own in the
host. What this module gives the native objects:

- the api request behaves as a dict as well: ``req.get("body")``, ``req["pathParams"]``,
  ``req["queryParams"]``, ``req["headers"]`` (``RequestMapping``);
- ``context.emit({"topic": ..., "data": ..., "messageGroupId": ...})`` (``emit_args``);
- ``context.logger.info(message, {...})`` (``log_fields``);
- ``context.state.get_group(group)``: the group's values;
- ``context.streams.<name>.get / set / delete / get_group / send`` (``StreamHandle``), for
  the streams that ``*_stream.py`` files (or ``*.stream.ts`` ones) declare;
- an api config's ``middleware`` list, run in order around the handler
  (``with_middleware``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

__all__ = [
    "Middleware",
    "RequestMapping",
    "StreamHandle",
    "SyncStreamHandle",
    "emit_args",
    "log_fields",
    "with_middleware",
]

# Motia's request keys -> the native request's attributes.
_REQUEST_KEYS = {
    "body": "body",
    "pathParams": "path_params",
    "queryParams": "query_params",
    "headers": "headers",
    "method": "method",
    "path": "path",
}
_EMIT_KEYS = frozenset({"topic", "data", "messageGroupId"})

Middleware = Callable[[Any, Any, Callable[..., Awaitable[Any]]], Awaitable[Any]]


class RequestMapping:
    """Read access by Motia's camelCase keys, for a request that is also a dataclass."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        attribute = _REQUEST_KEYS.get(key)
        if attribute is None:
            raise KeyError(key)
        return getattr(self, attribute)

    def get(self, key: str, default: Any = None) -> Any:
        attribute = _REQUEST_KEYS.get(key)
        return default if attribute is None else getattr(self, attribute)

    def __contains__(self, key: object) -> bool:
        return key in _REQUEST_KEYS

    def __iter__(self) -> Iterator[str]:
        return iter(_REQUEST_KEYS)

    def keys(self) -> list[str]:
        return list(_REQUEST_KEYS)

    def items(self) -> list[tuple[str, Any]]:
        return [(key, getattr(self, attribute)) for key, attribute in _REQUEST_KEYS.items()]


def emit_args(event: Mapping[str, Any]) -> tuple[str, Any, str | None]:
    """``(topic, data, group id)`` of Motia's ``{"topic", "data", "messageGroupId"}``."""
    unknown = sorted(str(key) for key in event if key not in _EMIT_KEYS)
    if unknown:
        raise TypeError(
            f"emit: unknown keys {', '.join(unknown)} in the event; it takes topic, data "
            "and messageGroupId"
        )
    topic = event.get("topic")
    if not isinstance(topic, str) or not topic:
        raise TypeError(f"emit: the event's topic must be a non-empty string, got {topic!r}")
    group = event.get("messageGroupId")
    if group is not None and not isinstance(group, str):
        raise TypeError(f"emit: messageGroupId must be a string, got {group!r}")
    return topic, event.get("data"), group


def log_fields(fields: Any, more: dict[str, Any]) -> dict[str, Any]:
    """A log line's fields from Motia's positional ``{...}`` and the native keywords."""
    if fields is None:
        return more
    if not isinstance(fields, Mapping):
        fields = vars(fields) if hasattr(fields, "__dict__") else {"data": fields}
    return {**fields, **more}


async def with_middleware(
    middleware: Sequence[Middleware],
    request: Any,
    ctx: Any,
    handler: Callable[[], Awaitable[Any]],
) -> Any:
    """Run ``middleware`` in order around ``handler``: each gets ``(req, ctx, next)``
    and returns a response, usually ``await next()``."""

    async def call(index: int) -> Any:
        if index == len(middleware):
            return await handler()

        async def next_(_request: Any = None) -> Any:
            return await call(index + 1)

        return await middleware[index](request, ctx, next_)

    return await call(0)


def _item(item_id: str, value: Any) -> Any:
    """A stream item as Motia returns it: its data with its ``id``."""
    return {**value, "id": item_id} if isinstance(value, dict) else value


def _channel(channel: Any) -> tuple[str, str]:
    if not isinstance(channel, Mapping) or not isinstance(channel.get("groupId"), str):
        raise TypeError(
            f"send: the channel must be {{'groupId': ..., 'id'?: ...}}, got {channel!r}"
        )
    item_id = channel.get("id")
    return channel["groupId"], item_id if isinstance(item_id, str) else ""


class NativeStreams(Protocol):
    """The native ``ctx.streams`` calls a ``StreamHandle`` maps onto."""

    async def get(self, stream: str, group: str, item_id: str) -> Any: ...

    async def set(self, stream: str, group: str, item_id: str, value: Any) -> None: ...

    async def delete(self, stream: str, group: str, item_id: str) -> bool: ...

    async def list(self, stream: str, group: str) -> Any: ...

    async def send(
        self, stream: str, group: str, event: Any, *, item_id: str | None = None
    ) -> None: ...


class StreamHandle:
    """``context.streams.<name>``: one stream, with Motia's methods."""

    __slots__ = ("_name", "_streams")

    def __init__(self, streams: NativeStreams, name: str) -> None:
        self._streams = streams
        self._name = name

    async def get(self, group_id: str, item_id: str) -> Any:
        """The item (its data with ``id``), or None."""
        value = await self._streams.get(self._name, group_id, item_id)
        return None if value is None else _item(item_id, value)

    async def set(self, group_id: str, item_id: str, data: Any) -> Any:
        """Store ``data`` and push it to subscribers; returns the item."""
        await self._streams.set(self._name, group_id, item_id, data)
        return _item(item_id, data)

    async def delete(self, group_id: str, item_id: str) -> Any:
        """Delete the item; returns it, or None when there was none."""
        value = await self._streams.get(self._name, group_id, item_id)
        if value is None or not await self._streams.delete(self._name, group_id, item_id):
            return None
        return _item(item_id, value)

    async def get_group(self, group_id: str) -> list[Any]:
        """Every item of the group, ordered by id."""
        items = await self._streams.list(self._name, group_id)
        return [_item(entry["id"], entry["value"]) for entry in items]

    getGroup = get_group  # Motia's spelling

    async def send(self, channel: Mapping[str, Any], event: Any) -> None:
        """An ephemeral event to the group's subscribers (``channel``: groupId, id?)."""
        group_id, item_id = _channel(channel)
        await self._streams.send(self._name, group_id, event, item_id=item_id or None)


class SyncStreamHandle:
    """``StreamHandle`` for sync handlers: the same methods, blocking."""

    __slots__ = ("_handle", "_run")

    def __init__(self, handle: StreamHandle, run: Callable[[Any], Any]) -> None:
        self._handle = handle
        self._run = run

    def get(self, group_id: str, item_id: str) -> Any:
        return self._run(self._handle.get(group_id, item_id))

    def set(self, group_id: str, item_id: str, data: Any) -> Any:
        return self._run(self._handle.set(group_id, item_id, data))

    def delete(self, group_id: str, item_id: str) -> Any:
        return self._run(self._handle.delete(group_id, item_id))

    def get_group(self, group_id: str) -> list[Any]:
        result: list[Any] = self._run(self._handle.get_group(group_id))
        return result

    getGroup = get_group  # Motia's spelling

    def send(self, channel: Mapping[str, Any], event: Any) -> None:
        self._run(self._handle.send(channel, event))


def stream_name(name: str) -> str:
    """A stream attribute name, or AttributeError for names that cannot be streams."""
    if name.startswith("_"):
        raise AttributeError(name)
    return name
