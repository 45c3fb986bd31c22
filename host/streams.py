"""Streams: state that is pushed live to clients subscribed over WebSocket.

Items live in the state store (group ``$stream:<stream>:<group>``), so a client
that subscribes later first gets the current items, then every change. When hosts
share a backend, a ``StreamRelay`` carries each change to the other hosts, whose
hubs hand it to their own clients.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

import orjson

from .state.base import StateStore

SUBSCRIBER_BUFFER = 1000


def _state_group(stream: str, group: str) -> str:
    return f"$stream:{stream}:{group}"


# Hands a change that came from another host to this host's clients.
Deliver = Callable[[str, str, bytes], None]


class StreamRelay(Protocol):
    """Carries stream changes between the hosts that share a backend."""

    async def start(self, deliver: Deliver) -> None:
        """From now on, changes published by other hosts reach ``deliver``."""
        ...

    async def publish(self, stream: str, group: str, frame: bytes) -> None:
        """Send a change made here to the other hosts (not back to this one)."""
        ...

    async def close(self) -> None: ...


class StreamHub:
    def __init__(self, state: StateStore, relay: StreamRelay | None = None) -> None:
        self._state = state
        self._relay = relay
        self._subscribers: dict[tuple[str, str], set[asyncio.Queue[bytes]]] = defaultdict(set)

    async def start(self) -> None:
        if self._relay is not None:
            await self._relay.start(self.deliver)

    async def set(self, stream: str, group: str, item_id: str, value: bytes) -> None:
        await self._state.set(_state_group(stream, group), item_id, value)
        await self._publish(
            stream, group, {"type": "set", "id": item_id, "value": orjson.Fragment(value)}
        )

    async def delete(self, stream: str, group: str, item_id: str) -> bool:
        deleted = await self._state.delete(_state_group(stream, group), item_id)
        if deleted:
            await self._publish(stream, group, {"type": "delete", "id": item_id})
        return deleted

    async def send(self, stream: str, group: str, event: bytes, item_id: str = "") -> None:
        """Push an ephemeral event; ``item_id`` names the item it is about, if any."""
        message: dict[str, object] = {"type": "event", "event": orjson.Fragment(event)}
        if item_id:
            message["id"] = item_id
        await self._publish(stream, group, message)

    async def get(self, stream: str, group: str, item_id: str) -> bytes | None:
        return await self._state.get(_state_group(stream, group), item_id)

    async def items(self, stream: str, group: str) -> list[tuple[str, bytes]]:
        """The group's items, ordered by id."""
        return await self._state.list(_state_group(stream, group))

    def subscribe(self, stream: str, group: str) -> asyncio.Queue[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(SUBSCRIBER_BUFFER)
        self._subscribers[(stream, group)].add(queue)
        return queue

    def unsubscribe(self, stream: str, group: str, queue: asyncio.Queue[bytes]) -> None:
        subscribers = self._subscribers.get((stream, group))
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[(stream, group)]

    async def _publish(self, stream: str, group: str, message: dict[str, object]) -> None:
        if self._relay is None and (stream, group) not in self._subscribers:
            return
        frame = orjson.dumps(message)
        self.deliver(stream, group, frame)
        if self._relay is not None:
            await self._relay.publish(stream, group, frame)

    def deliver(self, stream: str, group: str, frame: bytes) -> None:
        """Hand ``frame`` to this host's clients subscribed to (stream, group)."""
        subscribers = self._subscribers.get((stream, group))
        if not subscribers:
            return
        for queue in subscribers:
            if queue.full():  # a client that does not read loses the oldest update
                queue.get_nowait()
            queue.put_nowait(frame)
