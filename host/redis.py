"""Connecting to Redis the way every Redis backend wants it (redis-py's asyncio client).

One client (a connection pool) is shared by the state store, the queue and the
streams relay of a host. ``connect`` checks the server answers before the host goes
on, so an unreachable Redis is one clear line at start, not a stack later.
"""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from .errors import ProjectError

# Every key the host writes starts with this, so one Redis database can be inspected
# (and emptied) by prefix; use a database number per project (redis://host:6379/1).
KEY_PREFIX = "stephost:"

Client = aioredis.Redis


def redacted(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user + ':' if user else ''}***@{location}"


async def connect(url: str) -> Client:
    """A client for ``url`` that has answered a PING; ProjectError when none answers."""
    client: Client = aioredis.from_url(
        url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
    )
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        raise ProjectError(f"cannot reach Redis at {redacted(url)}: {exc}") from None
    return client
