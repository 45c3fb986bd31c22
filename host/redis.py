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
POOL_SIZE = 32


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
    # A bounded pool that makes a call wait for a free connection (the default pool
    # refuses past 100 at once, which a busy host reaches): Redis answers each call in
    # well under a millisecond, so a few dozen connections carry a host.
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=POOL_SIZE,
        timeout=10,
        socket_connect_timeout=5,
        socket_timeout=10,
        health_check_interval=30,
    )
    client: Client = aioredis.Redis(connection_pool=pool)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        raise ProjectError(f"cannot reach Redis at {redacted(url)}: {exc}") from None
    return client
