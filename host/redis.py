"""Connecting to Redis the way every Redis backend wants it (redis-py's asyncio client).

One client (a connection pool) is shared by the state store, the queue and the
streams relay of a host. ``connect`` checks the server answers before the host goes
on, so an unreachable Redis is one clear line at start, not a stack later. Once
running, a Redis that cannot be reached or refuses writes makes each backend call
raise ``StorageError`` (``unavailable``), which the bus and the HTTP layer turn into
a 503 and retries; a call the server rejects for any other reason is a bug, and
stays a RedisError.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import redis.asyncio as aioredis
from redis import exceptions as rx
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

from .errors import ProjectError, StorageError

P = ParamSpec("P")
R = TypeVar("R")
Method = Callable[P, Coroutine[Any, Any, R]]

# Replies that mean "not now" (out of memory, a replica, loading, a failed snapshot),
# as opposed to a mistake in the call.
_REFUSALS = ("OOM", "MISCONF", "READONLY", "LOADING", "BUSY", "MASTERDOWN", "NOREPLICAS")

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
        # A few quick tries ride out a blip; past that the call fails (a 503), not hangs.
        retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.25), 3),
    )
    client: Client = aioredis.Redis(connection_pool=pool)
    try:
        await client.ping()
    except (rx.RedisError, OSError) as exc:
        await client.aclose()
        raise ProjectError(f"cannot reach Redis at {redacted(url)}: {exc}") from None
    return client


def unavailable(what: str) -> Callable[[Method[P, R]], Method[P, R]]:
    """A backend method whose Redis is out of reach (or refusing writes) raises
    ``StorageError`` saying ``what`` failed and why."""

    def decorate(method: Method[P, R]) -> Method[P, R]:
        @functools.wraps(method)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await method(*args, **kwargs)
            except (rx.ConnectionError, rx.TimeoutError, OSError) as exc:
                raise StorageError(f"{what} failed: Redis is unreachable ({exc})") from exc
            except rx.ResponseError as exc:
                if not str(exc).startswith(_REFUSALS):
                    raise
                raise StorageError(f"{what} failed: Redis refused it ({exc})") from exc

        return wrapper

    return decorate
