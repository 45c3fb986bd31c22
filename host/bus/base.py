"""The queue interface a backend implements (SQLite now; Redis Streams next).

Shaped after consumer groups: a message is published once per subscribing step
(one stream entry per consumer group); a step's worker leases up to N of its
deliveries, acknowledges each on success, and on failure either schedules a
retry, releases it untouched (its runtime died), or buries it in the
dead-letter store. ``reclaim`` returns leases whose holder died.

Priority: each delivery has one (0 to 9, ``host.catalog.MAX_PRIORITY``). Among the
ready deliveries of a step, a lease takes the highest priority first, and the oldest
first within a priority; a group's order comes before priority (only a group's
oldest unfinished delivery is ready, whatever the priority of those behind it). A
delivery keeps its priority through retries, releases and a replay from the DLQ.

Faults: a write the store cannot make now (disk full, read-only, connection lost)
raises ``host.errors.StorageError`` and changes nothing; the bus then fails the emit
(503 to an api client), keeps a settling write (ack, retry, release, bury) and makes it
again until it succeeds, and has a worker lease again with backoff. Any other
exception is a bug. Each backend translates its own errors (SQLite: ``host.sqlite.writes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Publication:
    """One message to store durably, once for each step in ``steps``."""

    message_id: str
    topic: str
    data: bytes
    traceparent: str
    steps: tuple[str, ...]
    trigger: str = "event"
    tracestate: str = ""  # W3C tracestate of the trace, carried to the subscribers
    group_id: str = ""
    idempotency_key: str = ""
    available_ms: int = 0
    # Per step (parallel to ``steps``), a further wait before its delivery is ready;
    # empty when none waits (a step's ``delayMs``).
    delays_ms: tuple[int, ...] = ()
    # Per step (parallel to ``steps``), its delivery's priority; empty when all are 0.
    priorities: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    """A leased delivery of one message to one step."""

    id: str
    message_id: str
    step: str
    topic: str
    trigger: str
    data: bytes
    traceparent: str
    group_id: str
    attempt: int
    interruptions: int
    created_ms: int
    tracestate: str = ""
    priority: int = 0


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A delivery in the dead-letter store, with the failure that put it there."""

    id: str
    message_id: str
    step: str
    topic: str
    data: bytes
    traceparent: str
    attempts: int
    error: dict[str, Any]
    created_ms: int
    dead_ms: int


class QueueBackend(Protocol):
    # How often a worker with nothing ready looks again, in milliseconds; None when
    # only this host adds work (it wakes its workers itself).
    poll_ms: int | None

    async def publish(self, batch: Sequence[Publication], dedup_window_ms: int) -> list[bool]:
        """Store every publication in one durable write; per item, whether it was a
        duplicate (its idempotency key was seen on its topic within the window)."""
        ...

    async def lease(self, step: str, limit: int, lease_ms: int) -> list[Delivery]:
        """Up to ``limit`` ready deliveries of ``step``, the highest priority first and
        the oldest first within one, each counted as an attempt. Within a group id only
        the oldest unfinished one is ready."""
        ...

    async def ack(self, ids: Sequence[str]) -> None:
        """Deliveries handled: remove them."""
        ...

    async def retry(self, delivery_id: str, delay_ms: int, error: dict[str, Any]) -> None:
        """Make the delivery ready again after ``delay_ms``."""
        ...

    async def release(self, delivery_id: str) -> None:
        """Ready again at once, the attempt not counted (its runtime went away)."""
        ...

    async def bury(self, delivery_id: str, error: dict[str, Any]) -> None:
        """Move the delivery to the dead-letter store."""
        ...

    async def reclaim(self) -> int:
        """Return expired leases to ready; how many."""
        ...

    async def next_due_ms(self, step: str, after_ms: int) -> int | None:
        """When the earliest delivery of ``step`` delayed past ``after_ms`` becomes ready."""
        ...

    async def dead_letters(self, step: str | None = None, limit: int = 100) -> list[DeadLetter]: ...

    async def dead_letter(self, delivery_id: str) -> DeadLetter | None: ...

    async def replay(self, delivery_id: str) -> str | None:
        """Make a dead letter ready again with fresh attempts; its step, or None."""
        ...

    async def delete_dead(self, delivery_id: str) -> bool: ...

    async def has_pending(self) -> bool:
        """Whether any delivery is ready, delayed or leased (cheap: for polling)."""
        ...

    async def counts(self) -> dict[str, dict[str, int]]:
        """Per step: how many deliveries are ready, delayed, leased and dead."""
        ...

    async def fire_cron(self, step: str, tick_ms: int, publication: Publication) -> bool:
        """Publish a cron tick unless that tick (or a later one) already fired."""
        ...

    async def last_cron_tick(self, step: str) -> int | None:
        """The latest tick of ``step`` that fired, in Unix milliseconds."""
        ...

    async def close(self) -> None: ...
