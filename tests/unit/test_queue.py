"""Every QueueBackend behaves the same: SqliteQueue on a real file, RedisQueue on a
private redis-server. Behaviours only a shared backend has (hosts taking over each
other's expired leases) run on Redis alone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from stephost_host.bus.base import Publication, QueueBackend
from stephost_host.bus.redis import RedisQueue
from stephost_host.bus.sqlite import SqliteQueue
from stephost_host.redis import connect


def pub(i: int, steps: tuple[str, ...] = ("A",), **kw: object) -> Publication:
    return Publication(
        message_id=f"m{i}",
        topic="t",
        data=f'{{"i": {i}}}'.encode(),
        traceparent="00-" + "1" * 32 + "-" + "2" * 16 + "-01",
        steps=steps,
        **kw,  # type: ignore[arg-type]
    )


# Opens a handle on the backend under test: another host (by its name) on the same
# queue, or the same host again after a restart (the same name).
Opener = Callable[..., Awaitable[QueueBackend]]


@pytest.fixture(params=["sqlite", "redis"])
def open_queue(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    if request.param == "sqlite":

        async def sqlite(host: str = "a") -> QueueBackend:
            return SqliteQueue(tmp_path / "queue.db")

        return sqlite
    url = request.getfixturevalue("redis_url")

    async def redis(host: str = "a") -> QueueBackend:
        return RedisQueue(await connect(url), consumer=host)

    return redis


@pytest.fixture
def open_redis_queue(redis_url: str) -> Opener:
    async def redis(host: str = "a") -> QueueBackend:
        return RedisQueue(await connect(redis_url), consumer=host)

    return redis


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_publish_fans_out_and_lease_counts_attempts(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        assert await queue.publish([pub(1, ("A", "B")), pub(2, ("A",))], 1000) == [False, False]
        leased = await queue.lease("A", 10, 1000)
        assert [d.message_id for d in leased] == ["m1", "m2"]
        assert all(d.attempt == 1 for d in leased)
        assert await queue.lease("A", 10, 1000) == []  # leased ones are not handed out twice
        assert [d.message_id for d in await queue.lease("B", 10, 1000)] == ["m1"]
        await queue.ack([d.id for d in leased])
        counts = await queue.counts()
        assert "A" not in counts
        assert counts["B"]["leased"] == 1

    run(go())


def test_lease_respects_limit_and_order(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(i) for i in range(10)], 1000)
        first = await queue.lease("A", 3, 1000)
        second = await queue.lease("A", 3, 1000)
        assert [d.message_id for d in first] == ["m0", "m1", "m2"]
        assert [d.message_id for d in second] == ["m3", "m4", "m5"]

    run(go())


def test_group_delivers_one_at_a_time_in_order_even_across_retries(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish(
            [pub(1, group_id="g"), pub(2, group_id="g"), pub(3, group_id="h"), pub(4)], 1000
        )
        leased = await queue.lease("A", 10, 1000)
        assert [d.message_id for d in leased] == ["m1", "m3", "m4"]
        m1 = leased[0]
        await queue.retry(m1.id, 0, {"code": "HANDLER_ERROR"})
        again = await queue.lease("A", 10, 1000)
        assert [d.message_id for d in again] == ["m1"]  # m2 still waits behind m1
        assert again[0].attempt == 2
        await queue.ack([again[0].id])
        assert [d.message_id for d in await queue.lease("A", 10, 1000)] == ["m2"]

    run(go())


def test_retry_delay_and_next_due(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1)], 1000)
        (d,) = await queue.lease("A", 1, 1000)
        await queue.retry(d.id, 60_000, {"code": "X"})
        assert await queue.lease("A", 1, 1000) == []
        due = await queue.next_due_ms("A", int(time.time() * 1000))
        assert due is not None and due > time.time() * 1000 + 50_000
        assert (await queue.counts())["A"]["delayed"] == 1

    run(go())


def test_a_step_delay_holds_back_only_that_steps_delivery(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1, ("A", "B"), delays_ms=(0, 60_000))], 1000)
        assert [d.message_id for d in await queue.lease("A", 1, 1000)] == ["m1"]
        assert await queue.lease("B", 1, 1000) == []
        due = await queue.next_due_ms("B", int(time.time() * 1000))
        assert due is not None and due > time.time() * 1000 + 50_000
        assert (await queue.counts())["B"]["delayed"] == 1

    run(go())


def test_release_does_not_count_the_attempt(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1)], 1000)
        (d,) = await queue.lease("A", 1, 1000)
        await queue.release(d.id)
        (again,) = await queue.lease("A", 1, 1000)
        assert again.attempt == 1
        assert again.interruptions == 1

    run(go())


def test_bury_replay_and_delete(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1), pub(2)], 1000)
        one, two = await queue.lease("A", 2, 1000)
        await queue.bury(one.id, {"code": "HANDLER_ERROR", "message": "boom"})
        await queue.bury(two.id, {"code": "HANDLER_ERROR", "message": "bang"})
        letters = await queue.dead_letters()
        assert [(x.message_id, x.error["message"], x.attempts) for x in letters] == [
            ("m1", "boom", 1),
            ("m2", "bang", 1),
        ]
        assert await queue.replay(one.id) == "A"
        assert await queue.replay(one.id) is None  # no longer dead
        (replayed,) = await queue.lease("A", 5, 1000)
        assert replayed.message_id == "m1" and replayed.attempt == 1
        assert await queue.delete_dead(two.id) is True
        assert await queue.delete_dead(two.id) is False
        assert await queue.dead_letter("nonsense") is None

    run(go())


def test_idempotency_key_drops_repeats_within_the_window(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        dup = await queue.publish(
            [pub(1, idempotency_key="k"), pub(2, idempotency_key="k"), pub(3)], 60_000
        )
        assert dup == [False, True, False]
        assert await queue.publish([pub(4, idempotency_key="k")], 60_000) == [True]
        assert len(await queue.lease("A", 10, 1000)) == 2

    run(go())


def test_idempotency_key_is_accepted_again_after_the_window(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        assert await queue.publish([pub(1, idempotency_key="k")], 0) == [False]
        assert await queue.publish([pub(2, idempotency_key="k")], 0) == [False]

    run(go())


def test_cron_tick_fires_once_even_after_reopening(open_queue: Opener) -> None:
    async def go() -> None:
        first = await open_queue()
        tick = pub(0, trigger="cron")
        assert await first.fire_cron("Nightly", 1000, tick) is True
        assert await first.fire_cron("Nightly", 1000, tick) is False
        await first.close()
        second = await open_queue()
        assert await second.fire_cron("Nightly", 1000, tick) is False
        assert await second.fire_cron("Nightly", 500, tick) is False
        assert await second.last_cron_tick("Nightly") == 1000
        assert await second.fire_cron("Nightly", 2000, tick) is True
        assert len(await second.lease("Nightly", 10, 1000)) == 2

    run(go())


def test_reclaim_returns_leases_of_a_dead_host(open_queue: Opener) -> None:
    async def go() -> None:
        first = await open_queue()
        await first.publish([pub(1)], 1000)
        await first.lease("A", 1, 60_000)
        await first.close()
        second = await open_queue()  # the same host, restarted
        assert await second.reclaim() == 1
        (d,) = await second.lease("A", 1, 60_000)
        assert d.attempt == 1
        assert d.interruptions == 1

    run(go())


def test_a_cron_tick_fires_on_one_host_only(open_queue: Opener) -> None:
    async def go() -> None:
        hosts = [await open_queue(name) for name in "abc"]
        tick = pub(0, trigger="cron")
        fired = await asyncio.gather(*(h.fire_cron("Every", 5000, tick) for h in hosts))
        assert sorted(fired) == [False, False, True]
        assert len(await hosts[2].lease("Every", 10, 60_000)) == 1

    run(go())


def test_two_hosts_share_deliveries_and_a_group_stays_one_at_a_time(open_queue: Opener) -> None:
    async def go() -> None:
        a, b = await open_queue("a"), await open_queue("b")
        await a.publish([pub(i, group_id="g") for i in range(3)] + [pub(3), pub(4)], 1000)
        on_a = await a.lease("A", 2, 60_000)
        on_b = await b.lease("A", 10, 60_000)
        assert [d.message_id for d in on_a] == ["m0", "m3"]
        assert [d.message_id for d in on_b] == ["m4"]  # m1 waits for m0, on any host
        await a.ack([on_a[0].id])
        assert [d.message_id for d in await b.lease("A", 10, 60_000)] == ["m1"]

    run(go())


def test_a_dead_hosts_expired_lease_is_taken_over(open_redis_queue: Opener) -> None:
    """Redis only: a lease that outlived ``lease_ms`` goes to whichever host leases
    next (SQLite has one host, which takes back its leases when it restarts)."""

    async def go() -> None:
        dead, alive = await open_redis_queue("dead"), await open_redis_queue("alive")
        await dead.publish([pub(1, group_id="g"), pub(2, group_id="g")], 1000)
        (held,) = await dead.lease("A", 10, 60_000)
        assert await alive.lease("A", 10, 60_000) == []  # not expired: left alone
        (taken,) = await alive.lease("A", 10, 0)  # a lease of 0 ms has expired
        assert (taken.id, taken.attempt, taken.interruptions) == (held.id, 1, 1)
        await alive.ack([taken.id])
        await dead.ack([held.id])  # late: already done; nothing changes
        assert [d.message_id for d in await alive.lease("A", 10, 60_000)] == ["m2"]
        assert (await alive.counts())["A"] == {"ready": 0, "delayed": 0, "leased": 1, "dead": 0}

    run(go())


def test_attempts_stay_exact_across_retries_releases_and_burial(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1)], 1000)
        seen = []
        for _ in range(3):
            (d,) = await queue.lease("A", 1, 60_000)
            await queue.release(d.id)  # a runtime went away: not an attempt
            (d,) = await queue.lease("A", 1, 60_000)
            seen.append(d.attempt)
            await queue.retry(d.id, 0, {"code": "X"})
        (d,) = await queue.lease("A", 1, 60_000)
        await queue.bury(d.id, {"code": "X"})
        assert seen == [1, 2, 3]
        (letter,) = await queue.dead_letters("A")
        assert letter.attempts == 4
        assert await queue.has_pending() is False

    run(go())


def test_has_pending_sees_ready_delayed_and_leased_but_not_dead(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        assert await queue.has_pending() is False
        await queue.publish([pub(1)], 1000)
        assert await queue.has_pending() is True  # ready
        (d,) = await queue.lease("A", 1, 1000)
        assert await queue.has_pending() is True  # leased
        await queue.retry(d.id, 60_000, {})
        assert await queue.has_pending() is True  # delayed
        await queue.bury(d.id, {"code": "X"})
        assert await queue.has_pending() is False  # dead letters wait for a human

    run(go())


def test_tracestate_travels_with_the_delivery(open_queue: Opener) -> None:
    async def go() -> None:
        queue = await open_queue()
        await queue.publish([pub(1, tracestate="vendor=abc"), pub(2)], 1000)
        leased = await queue.lease("A", 10, 1000)
        assert [d.tracestate for d in leased] == ["vendor=abc", ""]

    run(go())


def test_a_queue_file_from_before_tracestate_opens_and_serves(tmp_path: Path) -> None:
    import sqlite3

    from stephost_host.bus import sqlite as backend

    old_schema = backend._SCHEMA.replace("    tracestate TEXT NOT NULL DEFAULT '',\n", "")
    assert old_schema != backend._SCHEMA
    path = tmp_path / "queue.db"
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
        db.execute(
            "INSERT INTO deliveries (message_id, step, topic, trigger, data, traceparent, "
            "status, available_ms, created_ms) VALUES ('old', 'A', 't', 'event', x'6e756c6c', "
            "'', 0, 0, 0)"
        )
    queue = SqliteQueue(path)

    async def go() -> None:
        await queue.publish([pub(1, tracestate="k=v")], 1000)
        leased = await queue.lease("A", 10, 1000)
        assert [(d.message_id, d.tracestate) for d in leased] == [("old", ""), ("m1", "k=v")]

    run(go())
