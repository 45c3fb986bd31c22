"""QueueBackend on a SQLite file (the embedded default, ``.stephost/queue.db``).

One host owns the file (``host.server`` takes a lock), so leases never expire
while it runs; ``reclaim`` at start returns the leases of a host that died. A write
that fails (disk full, read-only file) raises ``StorageError`` and changes nothing.
Every write is a transaction of ``host.sqlite.Writer`` (which keeps SQLite's syncs off
the event loop); reads use a connection of their own.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from ..sqlite import Writer, open_db, writes
from .base import DeadLetter, Delivery, Publication

READY, LEASED, DEAD = 0, 1, 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    step TEXT NOT NULL,
    topic TEXT NOT NULL,
    trigger TEXT NOT NULL,
    data BLOB NOT NULL,
    traceparent TEXT NOT NULL,
    tracestate TEXT NOT NULL DEFAULT '',
    priority INTEGER NOT NULL DEFAULT 0,
    group_id TEXT,
    status INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    interruptions INTEGER NOT NULL DEFAULT 0,
    available_ms INTEGER NOT NULL,
    lease_until_ms INTEGER,
    created_ms INTEGER NOT NULL,
    last_error BLOB,
    dead_ms INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_live ON deliveries (id) WHERE status < 2;
CREATE INDEX IF NOT EXISTS deliveries_group ON deliveries (step, group_id, id)
    WHERE group_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS dedup (
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (topic, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cron_ticks (
    step TEXT PRIMARY KEY,
    last_tick_ms INTEGER NOT NULL
) WITHOUT ROWID;
"""

# Columns added after the first release, for queue files that predate them.
_ADDED_COLUMNS = {
    "tracestate": "tracestate TEXT NOT NULL DEFAULT ''",
    "priority": "priority INTEGER NOT NULL DEFAULT 0",
}
# Indexes on added columns: made once the columns are there. The lease reads a step's
# ready deliveries in this index's order (the one before priority is dropped).
_ADDED_INDEXES = """
DROP INDEX IF EXISTS deliveries_ready;
CREATE INDEX IF NOT EXISTS deliveries_ready_by_priority
    ON deliveries (step, status, priority DESC, id);
"""

_INSERT = (
    "INSERT INTO deliveries (message_id, step, topic, trigger, data, traceparent, tracestate, "
    "group_id, status, available_ms, created_ms, priority) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
)
# A delivery leased as it is stored (its step's worker had a free slot): attempt 1.
_INSERT_LEASED = (
    "INSERT INTO deliveries (message_id, step, topic, trigger, data, traceparent, tracestate, "
    "status, attempts, available_ms, lease_until_ms, created_ms, priority) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?)"
)

_ACK = "DELETE FROM deliveries WHERE id = ?"

# Within a group only the oldest unfinished delivery may be leased, so a group's
# messages run one at a time and in order, retries included; among the others, the
# highest priority first, the oldest first within a priority.
_LEASE = """
UPDATE deliveries SET status = 1, attempts = attempts + 1, lease_until_ms = :until
WHERE id IN (
    SELECT d.id FROM deliveries d
    WHERE d.step = :step AND d.status = 0 AND d.available_ms <= :now
      AND (d.group_id IS NULL OR NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.step = d.step AND e.group_id = d.group_id AND e.status IN (0, 1)
            AND e.id < d.id))
    ORDER BY d.priority DESC, d.id LIMIT :limit)
RETURNING id, message_id, topic, trigger, data, traceparent, group_id, attempts,
          interruptions, created_ms, tracestate, priority
"""

_DEAD_COLUMNS = (
    "id, message_id, step, topic, data, traceparent, attempts, last_error, created_ms, dead_ms"
)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _dead(row: Any) -> DeadLetter:
    return DeadLetter(
        id=str(row[0]),
        message_id=row[1],
        step=row[2],
        topic=row[3],
        data=bytes(row[4]),
        traceparent=row[5],
        attempts=row[6],
        error=orjson.loads(row[7]) if row[7] else {},
        created_ms=row[8],
        dead_ms=row[9] or 0,
    )


class SqliteQueue:
    poll_ms: int | None = None  # one host owns the file, and wakes its own workers

    def __init__(self, path: Path) -> None:
        self._writer = Writer(path)
        db = self._writer.db
        db.executescript(_SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(deliveries)")}
        for column, definition in _ADDED_COLUMNS.items():
            if column not in columns:
                db.execute(f"ALTER TABLE deliveries ADD COLUMN {definition}")
        db.executescript(_ADDED_INDEXES)
        self._db = open_db(path)  # for reads

    @writes("storing emitted messages")
    async def publish(self, batch: Sequence[Publication], dedup_window_ms: int) -> list[bool]:
        duplicates, _ = await self._publish(batch, dedup_window_ms, None)
        return duplicates

    @writes("storing emitted messages")
    async def publish_leasing(
        self,
        batch: Sequence[Publication],
        dedup_window_ms: int,
        take: Callable[[str], int | None],
        acks: Sequence[str] = (),
    ) -> tuple[list[bool], list[Delivery]]:
        """``publish``, and in the same transaction, lease the deliveries that ``take``
        accepts: ``take(step)`` is asked for each delivery that is ready now and not in
        a group, and answers the lease in milliseconds, or None to leave it queued.
        ``acks``: deliveries handled meanwhile, removed in that transaction too (one
        commit for a turn's emits and acks)."""
        return await self._publish(batch, dedup_window_ms, take, acks)

    async def _publish(
        self,
        batch: Sequence[Publication],
        dedup_window_ms: int,
        take: Callable[[str], int | None] | None,
        acks: Sequence[str] = (),
    ) -> tuple[list[bool], list[Delivery]]:
        if not batch:
            await self._ack(acks)
            return [], []
        now = _now_ms()
        leased: list[Delivery] = []
        # The deliveries not leased are inserted together at the end (one statement),
        # in the order they were emitted: only their order matters to later leases.
        queued = []
        async with self._writer.transaction() as db:
            if acks:
                db.executemany(_ACK, [(int(i),) for i in acks])
            duplicates = [
                bool(pub.idempotency_key) and _seen(db, pub, now, dedup_window_ms) for pub in batch
            ]
            handed = {} if take is None else _hand_offs(batch, duplicates, now, take)
            for index, (pub, duplicate) in enumerate(zip(batch, duplicates, strict=True)):
                if duplicate:
                    continue
                available = pub.available_ms or now
                group = pub.group_id or None
                for step, delay, priority in _deliveries(pub):
                    lease_ms = handed.get((index, step))
                    if lease_ms is None:
                        queued.append(
                            (
                                pub.message_id,
                                step,
                                pub.topic,
                                pub.trigger,
                                pub.data,
                                pub.traceparent,
                                pub.tracestate,
                                group,
                                available + delay,
                                now,
                                priority,
                            )
                        )
                        continue
                    cursor = db.execute(
                        _INSERT_LEASED,
                        (
                            pub.message_id,
                            step,
                            pub.topic,
                            pub.trigger,
                            pub.data,
                            pub.traceparent,
                            pub.tracestate,
                            now,
                            now + lease_ms,
                            now,
                            priority,
                        ),
                    )
                    leased.append(
                        Delivery(
                            id=str(cursor.lastrowid),
                            message_id=pub.message_id,
                            step=step,
                            topic=pub.topic,
                            trigger=pub.trigger,
                            data=pub.data,
                            traceparent=pub.traceparent,
                            group_id="",
                            attempt=1,
                            interruptions=0,
                            created_ms=now,
                            tracestate=pub.tracestate,
                            priority=priority,
                        )
                    )
            if queued:
                db.executemany(_INSERT, queued)
        return duplicates, leased

    @writes("leasing deliveries")
    async def lease(self, step: str, limit: int, lease_ms: int) -> list[Delivery]:
        now = _now_ms()
        async with self._writer.transaction() as db:
            rows = db.execute(
                _LEASE, {"step": step, "now": now, "until": now + lease_ms, "limit": limit}
            ).fetchall()
        rows.sort(key=lambda r: (-r[11], r[0]))
        return [
            Delivery(
                id=str(r[0]),
                message_id=r[1],
                step=step,
                topic=r[2],
                trigger=r[3],
                data=bytes(r[4]),
                traceparent=r[5],
                group_id=r[6] or "",
                attempt=r[7],
                interruptions=r[8],
                created_ms=r[9],
                tracestate=r[10],
                priority=r[11],
            )
            for r in rows
        ]

    @writes("acknowledging deliveries")
    async def ack(self, ids: Sequence[str]) -> None:
        await self._ack(ids)

    async def _ack(self, ids: Sequence[str]) -> None:
        if ids:
            async with self._writer.transaction() as db:
                db.executemany(_ACK, [(int(i),) for i in ids])

    @writes("scheduling a retry")
    async def retry(self, delivery_id: str, delay_ms: int, error: dict[str, Any]) -> None:
        await self._write(
            "UPDATE deliveries SET status = 0, available_ms = ?, lease_until_ms = NULL, "
            "last_error = ? WHERE id = ?",
            (_now_ms() + delay_ms, orjson.dumps(error), int(delivery_id)),
        )

    @writes("releasing a delivery")
    async def release(self, delivery_id: str) -> None:
        await self._write(
            "UPDATE deliveries SET status = 0, available_ms = ?, lease_until_ms = NULL, "
            "attempts = attempts - 1, interruptions = interruptions + 1 WHERE id = ?",
            (_now_ms(), int(delivery_id)),
        )

    @writes("moving a delivery to the dead-letter queue")
    async def bury(self, delivery_id: str, error: dict[str, Any]) -> None:
        await self._write(
            "UPDATE deliveries SET status = 2, lease_until_ms = NULL, last_error = ?, "
            "dead_ms = ? WHERE id = ?",
            (orjson.dumps(error), _now_ms(), int(delivery_id)),
        )

    @writes("returning leases to the queue")
    async def reclaim(self) -> int:
        return await self._write(
            "UPDATE deliveries SET status = 0, lease_until_ms = NULL, attempts = attempts - 1, "
            "interruptions = interruptions + 1 WHERE status = 1"
        )

    async def next_due_ms(self, step: str, after_ms: int) -> int | None:
        row = self._db.execute(
            "SELECT min(available_ms) FROM deliveries WHERE step = ? AND status = 0 "
            "AND available_ms > ?",
            (step, after_ms),
        ).fetchone()
        return row[0] if row and row[0] is not None else None

    async def dead_letters(self, step: str | None = None, limit: int = 100) -> list[DeadLetter]:
        if step:
            rows = self._db.execute(
                f"SELECT {_DEAD_COLUMNS} FROM deliveries WHERE status = 2 AND step = ? "
                "ORDER BY id LIMIT ?",
                (step, limit),
            )
        else:
            rows = self._db.execute(
                f"SELECT {_DEAD_COLUMNS} FROM deliveries WHERE status = 2 ORDER BY id LIMIT ?",
                (limit,),
            )
        return [_dead(row) for row in rows]

    async def dead_letter(self, delivery_id: str) -> DeadLetter | None:
        row = self._db.execute(
            f"SELECT {_DEAD_COLUMNS} FROM deliveries WHERE status = 2 AND id = ?",
            (_int(delivery_id),),
        ).fetchone()
        return None if row is None else _dead(row)

    @writes("replaying a dead letter")
    async def replay(self, delivery_id: str) -> str | None:
        async with self._writer.transaction() as db:
            row = db.execute(
                "UPDATE deliveries SET status = 0, attempts = 0, interruptions = 0, "
                "available_ms = ?, dead_ms = NULL WHERE id = ? AND status = 2 RETURNING step",
                (_now_ms(), _int(delivery_id)),
            ).fetchone()
        return None if row is None else str(row[0])

    @writes("deleting a dead letter")
    async def delete_dead(self, delivery_id: str) -> bool:
        deleted = await self._write(
            "DELETE FROM deliveries WHERE id = ? AND status = 2", (_int(delivery_id),)
        )
        return deleted > 0

    async def has_pending(self) -> bool:
        row = self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM deliveries WHERE status < 2)"
        ).fetchone()
        return bool(row[0])

    async def counts(self) -> dict[str, dict[str, int]]:
        now = _now_ms()
        out: dict[str, dict[str, int]] = {}
        rows = self._db.execute(
            "SELECT step, status, available_ms > ? AS delayed, count(*) FROM deliveries "
            "GROUP BY step, status, delayed",
            (now,),
        )
        for step, status, delayed, count in rows:
            counts = out.setdefault(step, {"ready": 0, "delayed": 0, "leased": 0, "dead": 0})
            if status == READY:
                counts["delayed" if delayed else "ready"] += count
            elif status == LEASED:
                counts["leased"] += count
            else:
                counts["dead"] += count
        return out

    @writes("recording a cron tick")
    async def fire_cron(self, step: str, tick_ms: int, publication: Publication) -> bool:
        async with self._writer.transaction() as db:
            row = db.execute(
                "SELECT last_tick_ms FROM cron_ticks WHERE step = ?", (step,)
            ).fetchone()
            if row is not None and row[0] >= tick_ms:
                return False
            db.execute(
                "INSERT INTO cron_ticks (step, last_tick_ms) VALUES (?, ?) "
                "ON CONFLICT (step) DO UPDATE SET last_tick_ms = excluded.last_tick_ms",
                (step, tick_ms),
            )
            now = _now_ms()
            db.execute(
                _INSERT,
                (
                    publication.message_id,
                    step,
                    publication.topic,
                    "cron",
                    publication.data,
                    publication.traceparent,
                    publication.tracestate,
                    None,
                    now,
                    now,
                    0,
                ),
            )
            return True

    async def last_cron_tick(self, step: str) -> int | None:
        row = self._db.execute(
            "SELECT last_tick_ms FROM cron_ticks WHERE step = ?", (step,)
        ).fetchone()
        return None if row is None else int(row[0])

    async def _write(self, statement: str, parameters: Sequence[Any] = ()) -> int:
        """One statement in a transaction of its own; the count of rows it changed."""
        async with self._writer.transaction() as db:
            return db.execute(statement, parameters).rowcount

    async def close(self) -> None:
        await self._writer.close()
        self._db.close()


def _int(delivery_id: str) -> int:
    try:
        return int(delivery_id)
    except ValueError:
        return -1


def _deliveries(pub: Publication) -> Iterator[tuple[str, int, int]]:
    """Each subscriber of ``pub`` with its delay and priority."""
    delays = pub.delays_ms or (0,) * len(pub.steps)
    priorities = pub.priorities or (0,) * len(pub.steps)
    return zip(pub.steps, delays, priorities, strict=True)


def _hand_offs(
    batch: Sequence[Publication],
    duplicates: Sequence[bool],
    now: int,
    take: Callable[[str], int | None],
) -> dict[tuple[int, str], int]:
    """The new deliveries leased as they are stored, by (index in ``batch``, step), with
    their leases: ``take`` is asked for each that is ready and not in a group, the
    highest priority first (then in emit order), so the free slots go to what a lease
    would have taken first."""
    ready = sorted(
        (-priority, index, step)
        for index, (pub, duplicate) in enumerate(zip(batch, duplicates, strict=True))
        if not duplicate and not pub.group_id
        for step, delay, priority in _deliveries(pub)
        if (pub.available_ms or now) + delay <= now
    )
    handed: dict[tuple[int, str], int] = {}
    for _, index, step in ready:
        lease_ms = take(step)
        if lease_ms is not None:
            handed[index, step] = lease_ms
    return handed


def _seen(db: sqlite3.Connection, pub: Publication, now: int, window_ms: int) -> bool:
    row = db.execute(
        "SELECT expires_ms FROM dedup WHERE topic = ? AND key = ?",
        (pub.topic, pub.idempotency_key),
    ).fetchone()
    if row is not None and row[0] > now:
        return True
    db.execute(
        "INSERT INTO dedup (topic, key, expires_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (topic, key) DO UPDATE SET expires_ms = excluded.expires_ms",
        (pub.topic, pub.idempotency_key, now + window_ms),
    )
    if row is not None:  # an expired key: sweep the others that expired too
        db.execute("DELETE FROM dedup WHERE expires_ms <= ?", (now,))
    return False
