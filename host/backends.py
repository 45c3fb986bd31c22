"""Where the host keeps what lasts: SQLite files in the data folder (the default), or
one Redis that several hosts share (``backend_url = "redis://…"``).

This is the one place a backend is chosen; the rest of the host sees the
``StateStore`` and ``QueueBackend`` interfaces (and, on Redis, a relay that carries
stream updates to the other hosts).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from .bus.base import QueueBackend
from .lifecycle import DataDirLock
from .settings import Settings
from .state.base import StateStore
from .streams import StreamRelay
from .workers import worker_index


@dataclass(frozen=True, slots=True)
class Backends:
    state: StateStore
    queue: QueueBackend
    relay: StreamRelay | None  # None: one host, stream updates stay in it
    description: str  # for the log: which backend, where


async def open_backends(settings: Settings, stack: contextlib.AsyncExitStack) -> Backends:
    """Open the configured backend; ``stack`` closes it. A Redis that does not answer
    is a ProjectError naming the URL."""
    if settings.backend_url:
        from .bus.redis import RedisQueue, default_consumer
        from .redis import connect, redacted
        from .state.redis import RedisStateStore
        from .streams_redis import RedisStreamRelay

        client = await connect(settings.backend_url)
        stack.push_async_callback(client.aclose)
        relay = RedisStreamRelay(client)
        stack.push_async_callback(relay.close)
        return Backends(
            state=RedisStateStore(client),
            queue=RedisQueue(client, consumer=default_consumer(settings.port, worker_index())),
            relay=relay,
            description=f"redis {redacted(settings.backend_url)}",
        )
    from .bus.sqlite import SqliteQueue
    from .state.sqlite import SqliteStateStore

    data_dir = settings.data_dir
    lock = DataDirLock(data_dir)  # one host per SQLite file
    stack.callback(lock.release)
    state = SqliteStateStore(data_dir / "state.db")
    stack.push_async_callback(state.close)
    queue = SqliteQueue(data_dir / "queue.db")
    stack.push_async_callback(queue.close)
    return Backends(state, queue, None, f"sqlite {data_dir}")
