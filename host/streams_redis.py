"""Stream changes fanned out to every host through Redis pub/sub.

Each change is published on one channel (``stephost:streams``) with the id of the
host that made it; every host hands the changes of the others to its own
WebSocket clients (its own were handed over already). Pub/sub keeps nothing: a host
that is disconnected misses what was said meanwhile, as a WebSocket client does;
the items themselves are in the shared state, where a client that subscribes
reads them first.
"""

from __future__ import annotations

import asyncio
import contextlib
import os

import orjson
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from .redis import KEY_PREFIX, Client
from .streams import Deliver
from .telemetry import get_logger

log = get_logger(component="streams")

RESUBSCRIBE_DELAY_S = 1.0


class RedisStreamRelay:
    def __init__(self, client: Client, prefix: str = KEY_PREFIX) -> None:
        self._redis = client
        self._channel = f"{prefix}streams"
        self._origin = os.urandom(8).hex()
        self._task: asyncio.Task[None] | None = None

    async def start(self, deliver: Deliver) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._channel)
        self._task = asyncio.create_task(self._listen(pubsub, deliver), name="streams-relay")

    async def _listen(self, pubsub: PubSub, deliver: Deliver) -> None:
        try:
            while True:
                try:
                    message = await pubsub.get_message(timeout=None)
                except RedisError as exc:  # Redis went away: say so, and try again
                    log.warning("stream relay lost Redis; resubscribing", error=str(exc))
                    await asyncio.sleep(RESUBSCRIBE_DELAY_S)
                    with contextlib.suppress(RedisError):
                        await pubsub.subscribe(self._channel)
                    continue
                if message is None or message.get("type") != "message":
                    continue
                change = orjson.loads(message["data"])
                if change["o"] != self._origin:
                    deliver(change["s"], change["g"], orjson.dumps(change["f"]))
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped

    async def publish(self, stream: str, group: str, frame: bytes) -> None:
        change = {"o": self._origin, "s": stream, "g": group, "f": orjson.Fragment(frame)}
        await self._redis.publish(self._channel, orjson.dumps(change))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
