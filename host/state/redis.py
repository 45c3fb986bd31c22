"""StateStore on Redis: a hash per group (``stephost:state:<group>``).

A set names the groups that have keys, kept in step with the hashes by a
transaction (set) or Lua scripts (delete, clear), so ``groups`` needs no SCAN.
Each call is one atomic Redis operation, which is what keeps concurrent writers
from different hosts correct.
"""

from __future__ import annotations

from typing import cast

from ..redis import KEY_PREFIX, Client, unavailable
from .base import Found, Items, Names, search_by_reading

_DELETE = """
local deleted = redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return deleted
"""

_CLEAR = """
local count = redis.call('HLEN', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return count
"""


class RedisStateStore:
    def __init__(self, client: Client, prefix: str = KEY_PREFIX) -> None:
        self._redis = client
        self._prefix = f"{prefix}state:"
        self._groups_key = f"{prefix}state-groups"
        self._delete = client.register_script(_DELETE)
        self._clear = client.register_script(_CLEAR)

    def _key(self, group: str) -> str:
        return self._prefix + group

    @unavailable("reading state")
    async def get(self, group: str, key: str) -> bytes | None:
        # The client does not decode: replies are bytes.
        return cast(bytes | None, await self._redis.hget(self._key(group), key))

    @unavailable("storing state")
    async def set(self, group: str, key: str, value: bytes) -> None:
        # One round trip, atomic (MULTI/EXEC): the set of groups never names an empty one.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._key(group), key, value)
            pipe.sadd(self._groups_key, group)
            await pipe.execute()

    @unavailable("deleting state")
    async def delete(self, group: str, key: str) -> bool:
        deleted = await self._delete(keys=[self._key(group), self._groups_key], args=[key, group])
        return bool(deleted)

    @unavailable("listing state")
    async def list(self, group: str) -> Items:
        items = cast(dict[bytes, bytes], await self._redis.hgetall(self._key(group)))
        return sorted((key.decode(), value) for key, value in items.items())

    @unavailable("listing state")
    async def page(self, group: str, after: str, limit: int) -> Items:
        # A hash keeps no order: its keys (not its values) are read and sorted, then
        # only the page's values.
        names = cast(list[bytes], await self._redis.hkeys(self._key(group)))
        keys = sorted(k for k in (name.decode() for name in names) if k > after)[:limit]
        if not keys:
            return []
        values = cast(list[bytes | None], await self._redis.hmget(self._key(group), keys))
        return [(k, v) for k, v in zip(keys, values, strict=True) if v is not None]

    @unavailable("counting state")
    async def count(self, group: str) -> int:
        return int(await self._redis.hlen(self._key(group)))

    async def search(self, text: str, limit: int) -> Found:
        return await search_by_reading(self, text, limit)  # its reads say what failed

    @unavailable("clearing state")
    async def clear(self, group: str) -> int:
        return int(await self._clear(keys=[self._key(group), self._groups_key], args=[group]))

    @unavailable("listing state groups")
    async def groups(self) -> Names:
        names = cast(set[bytes], await self._redis.smembers(self._groups_key))
        return sorted(name.decode() for name in names)

    async def close(self) -> None:
        """The client is the host's to close (the queue shares it)."""
