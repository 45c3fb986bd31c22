"""Priority, counted on every QueueBackend (SQLite on a real file, Redis on a private
redis-server): which deliveries a lease hands out, in which order, and that retries,
releases, replays, taken-over leases and groups keep what priority promises."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from stephost_host.bus.base import Delivery, QueueBackend
from stephost_host.bus.sqlite import SqliteQueue
from stephost_host.catalog import Catalog, ConfigError, StepReport, parse_step
from tests.unit import test_queue
from tests.unit.test_bridge import host, invocation, runtime, step
from tests.unit.test_bridge import run as run_async
from tests.unit.test_queue import Opener, pub, run

# The backends under test, as test_queue opens them.
open_queue = test_queue.open_queue
open_redis_queue = test_queue.open_redis_queue


def ids(deliveries: list[Delivery]) -> list[str]:
    return [d.message_id for d in deliveries]


async def until_nothing_delayed(queue: QueueBackend, step: str = "A") -> None:
    """Wait until no delivery of ``step`` is delayed (a retry 1 ms away is due)."""
    for _ in range(2000):  # 10 s at most
        if not (await queue.counts())[step]["delayed"]:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the retry never became due")


def test_a_lease_takes_the_highest_priority_first_and_fifo_within_one(
    open_queue: Opener,
) -> None:
    async def go() -> None:
        queue = await open_queue()
        low = [pub(i) for i in range(4)]
        high = [pub(i, priorities=(7,)) for i in range(4, 7)]
        middle = [pub(7, priorities=(3,))]
        await queue.publish(low + high + middle, 1000)
        batches = [ids(await queue.lease("A", 3, 60_000)) for _ in range(3)]
        assert batches == [["m4", "m5", "m6"], ["m7", "m0", "m1"], ["m2", "m3"]]
        assert await queue.lease("A", 3, 60_000) == []

    run(go())


def test_each_subscriber_gets_its_own_priority(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(0, ("A", "B")), pub(1, ("A", "B"), priorities=(0, 9))], 1000)
        assert ids(await queue.lease("A", 10, 60_000)) == ["m0", "m1"]
        leased = await queue.lease("B", 10, 60_000)
        assert [(d.message_id, d.priority) for d in leased] == [("m1", 9), ("m0", 0)]

    run(go())


def test_priority_never_breaks_a_groups_order(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish(
            [
                pub(0, group_id="g"),
                pub(1, group_id="g", priorities=(9,)),  # behind m0, whatever its priority
                pub(2),
                pub(3, priorities=(5,)),
            ],
            1000,
        )
        leased = await queue.lease("A", 10, 60_000)
        assert ids(leased) == ["m3", "m0", "m2"]
        await queue.ack([d.id for d in leased])
        (m1,) = await queue.lease("A", 10, 60_000)
        assert (m1.message_id, m1.priority, m1.group_id) == ("m1", 9, "g")

    run(go())


def test_retries_releases_and_replays_keep_their_priority(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(0, priorities=(8,))], 1000)
        (d,) = await queue.lease("A", 1, 60_000)
        await queue.publish([pub(i) for i in range(1, 4)], 1000)
        await queue.retry(d.id, 1, {"code": "X"})  # delayed, then due
        await until_nothing_delayed(queue)
        first = (await queue.lease("A", 1, 60_000))[0]
        assert (first.message_id, first.priority, first.attempt) == ("m0", 8, 2)
        await queue.release(first.id)
        again = (await queue.lease("A", 1, 60_000))[0]
        assert (again.message_id, again.attempt, again.interruptions) == ("m0", 2, 1)
        await queue.bury(again.id, {"code": "X"})
        await queue.replay(again.id)
        replayed = (await queue.lease("A", 1, 60_000))[0]
        assert (replayed.message_id, replayed.priority, replayed.attempt) == ("m0", 8, 1)
        counts = (await queue.counts())["A"]
        assert counts == {"ready": 3, "delayed": 0, "leased": 1, "dead": 0}

    run(go())


def test_attempts_stay_exact_and_the_dlq_holds_it_at_any_priority(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1, priorities=(4,)), pub(2)], 1000)
        seen = []
        for _ in range(3):
            d = (await queue.lease("A", 1, 60_000))[0]
            seen.append((d.message_id, d.attempt))
            await queue.retry(d.id, 0, {"code": "X"})
        d = (await queue.lease("A", 1, 60_000))[0]
        await queue.bury(d.id, {"code": "X"})
        assert seen == [("m1", 1), ("m1", 2), ("m1", 3)]
        (letter,) = await queue.dead_letters("A")
        assert (letter.message_id, letter.attempts) == ("m1", 4)
        assert ids(await queue.lease("A", 10, 60_000)) == ["m2"]

    run(go())


def test_a_dead_hosts_expired_lease_at_a_high_priority_is_taken_over(
    open_redis_queue: Opener,
) -> None:
    async def go() -> None:
        dead, alive = await open_redis_queue("dead"), await open_redis_queue("alive")
        await dead.publish([pub(1, priorities=(6,)), pub(2)], 1000)
        (held,) = await dead.lease("A", 1, 60_000)
        (taken, other) = await alive.lease("A", 10, 0)  # a lease of 0 ms has expired
        assert (taken.id, taken.priority, taken.attempt, taken.interruptions) == (
            held.id, 6, 1, 1,
        )  # fmt: skip
        assert other.message_id == "m2"
        await alive.ack([taken.id, other.id])
        await dead.ack([held.id])  # late: already done; nothing changes
        assert await alive.has_pending() is False

    run(go())


def test_a_restarted_host_takes_back_its_leases_at_every_priority(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1, priorities=(6,)), pub(2)], 1000)
        assert len(await queue.lease("A", 10, 60_000)) == 2
        restarted = await open_queue()  # the same host's name, after a crash
        assert await restarted.reclaim() == 2
        leased = await restarted.lease("A", 10, 60_000)
        assert [(d.message_id, d.attempt, d.interruptions) for d in leased] == [
            ("m1", 1, 1), ("m2", 1, 1),
        ]  # fmt: skip

    run(go())


def test_a_queue_file_from_before_priority_opens_and_serves(tmp_path: Path) -> None:
    from stephost_host.bus import sqlite as backend

    old_schema = backend._SCHEMA.replace("    priority INTEGER NOT NULL DEFAULT 0,\n", "")
    assert old_schema != backend._SCHEMA
    path = tmp_path / "queue.db"
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
        db.execute("CREATE INDEX deliveries_ready ON deliveries (step, status, id)")
        db.execute(
            "INSERT INTO deliveries (message_id, step, topic, trigger, data, traceparent, "
            "status, available_ms, created_ms) VALUES ('old', 'A', 't', 'event', x'6e756c6c', "
            "'', 0, 0, 0)"
        )
    queue = SqliteQueue(path)
    indexes = {row[1] for row in queue._db.execute("PRAGMA index_list(deliveries)")}
    assert "deliveries_ready_by_priority" in indexes and "deliveries_ready" not in indexes

    async def go() -> None:
        await queue.publish([pub(1, priorities=(2,)), pub(2)], 1000)
        leased = await queue.lease("A", 10, 1000)
        assert [(d.message_id, d.priority) for d in leased] == [("m1", 2), ("old", 0), ("m2", 0)]

    run(go())


def test_the_lease_reads_the_priority_index(tmp_path: Path) -> None:
    from stephost_host.bus import sqlite as backend

    queue = SqliteQueue(tmp_path / "queue.db")
    plan = " ".join(
        str(row[3])
        for row in queue._db.execute(
            "EXPLAIN QUERY PLAN " + backend._LEASE,
            {"step": "A", "now": 0, "until": 0, "limit": 1},
        )
    )
    assert "deliveries_ready_by_priority" in plan and "TEMP B-TREE" not in plan


BASE = {"type": "event", "name": "E", "subscribes": ["t"]}


def test_a_steps_default_priority_is_checked_and_indexed_per_topic() -> None:
    step = parse_step({**BASE, "priority": 9}, language="python", file="f")
    assert step.priority == 9 and step.to_json()["settings"]["priority"] == 9
    assert parse_step(BASE, language="python", file="f").priority == 0
    for bad in (10, -1, 2.5, "high", True):
        with pytest.raises(ConfigError, match=r"`priority` must be an integer from 0 to 9"):
            parse_step({**BASE, "priority": bad}, language="python", file="f")
    reports = [
        StepReport(name="E", language="python", file="e", config={**BASE, "priority": 5}),
        StepReport(name="F", language="python", file="f", config={**BASE, "name": "F"}),
    ]
    catalog = Catalog.build(reports, [])
    assert catalog.priorities == {"t": (5, 0)}


def test_the_host_checks_an_emits_priority_whatever_the_runtime_sent(tmp_path: Path) -> None:
    """A runtime that skipped its SDK's check (a fake one, over real gRPC) is refused by
    the host with BAD_PRIORITY; unset and an explicit 0 stay apart on the wire."""

    async def go() -> None:
        async with host(tmp_path) as (pool, door, bus):
            fake = await runtime(door, pool, steps=["Emitter"])
            emitter = step("Emitter", emits=frozenset({"done"}))
            call = asyncio.create_task(pool.invoke(invocation(emitter)))
            n = (await fake.next_invocation()).id
            refused = await fake.call(n, "emit", topic="done", data=b"{}", priority=12)
            assert refused["error"] == {
                "code": "BAD_PRIORITY",
                "message": "emit on 'done': `priority` must be an integer from 0 to 9 "
                "(higher runs first), got 12",
            }
            for priority in (0, 9, None):
                await fake.call(n, "emit", topic="done", data=b"{}", priority=priority)
            assert [m.priority for m in bus.recent] == [0, 9, None]
            await fake.answer(n)
            await call

    run_async(go)
