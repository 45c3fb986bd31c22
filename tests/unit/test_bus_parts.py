from __future__ import annotations

import asyncio

from stephost_host.batcher import Batcher
from stephost_host.bus.bus import MAX_BACKOFF_MS, backoff_ms
from stephost_host.bus.recent import EmittedMessage, RecentMessages
from stephost_host.catalog import parse_step

STEP = parse_step(
    {"type": "event", "name": "E", "subscribes": ["t"], "backoffMs": 100},
    language="python",
    file="f",
)


def test_backoff_grows_exponentially_with_jitter() -> None:
    for attempt, ceiling in [(1, 100), (2, 200), (3, 400), (4, 800)]:
        delays = {backoff_ms(STEP, attempt) for _ in range(200)}
        assert min(delays) >= ceiling // 2
        assert max(delays) <= ceiling
        assert len(delays) > 1  # jittered
    assert backoff_ms(STEP, 40) <= MAX_BACKOFF_MS


def test_batcher_coalesces_one_loop_turn_into_one_call() -> None:
    calls: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        calls.append(items)
        return [i * 10 for i in items]

    async def go() -> list[int]:
        batcher: Batcher[int, int] = Batcher(flush)
        results = await asyncio.gather(*(batcher.submit(i) for i in range(5)))
        later = await batcher.submit(9)
        return [*results, later]

    assert asyncio.run(go()) == [0, 10, 20, 30, 40, 90]
    assert calls == [[0, 1, 2, 3, 4], [9]]


def test_batcher_writes_what_came_during_a_slow_write_as_one_next_batch() -> None:
    """Group commit: one batch at a time; the calls made while it is written (over
    several turns of the loop) are the next batch, not one small batch per turn."""
    calls: list[list[int]] = []
    writing = asyncio.Event()
    release = asyncio.Event()

    async def flush(items: list[int]) -> list[int]:
        calls.append(items)
        writing.set()
        await release.wait()
        return [-i for i in items]

    async def go() -> list[int]:
        batcher: Batcher[int, int] = Batcher(flush)
        first = batcher.submit(0)
        await writing.wait()
        later = []
        for i in (1, 2, 3):  # one per turn of the loop
            later.append(batcher.submit(i))
            await asyncio.sleep(0)
        assert calls == [[0]]
        release.set()
        results = await asyncio.gather(first, *later)
        await batcher.drain()
        return results

    assert asyncio.run(go()) == [0, -1, -2, -3]
    assert calls == [[0], [1, 2, 3]]


def test_batcher_failure_reaches_every_caller() -> None:
    async def flush(items: list[int]) -> list[int]:
        raise RuntimeError("disk full")

    async def go() -> list[BaseException | int]:
        batcher: Batcher[int, int] = Batcher(flush)
        return await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)

    results = asyncio.run(go())
    assert all(isinstance(r, RuntimeError) for r in results)


def emitted(i: int, size: int = 10) -> EmittedMessage:
    return EmittedMessage(f"m{i}", "t", b"x" * size, "trace", "Step", 0.0)


def test_recent_messages_keep_the_newest_by_count() -> None:
    recent = RecentMessages(size=3)
    for i in range(5):
        recent.append(emitted(i))
    assert [m.message_id for m in recent] == ["m2", "m3", "m4"]
    assert (len(recent), recent.data_bytes) == (3, 30)
    recent.configure(2)  # a smaller bound trims at once
    assert [m.message_id for m in recent] == ["m3", "m4"]
    assert recent.data_bytes == 20


def test_recent_messages_keep_no_more_data_than_their_byte_bound() -> None:
    """Large payloads go sooner than the count says; the newest stays, however large."""
    recent = RecentMessages(size=100, max_bytes=1000)
    for i in range(10):
        recent.append(emitted(i, size=300))
    assert [m.message_id for m in recent] == ["m7", "m8", "m9"]
    assert recent.data_bytes == 900
    recent.append(emitted(10, size=5000))
    assert [m.message_id for m in recent] == ["m10"]
    assert recent.data_bytes == 5000
    recent.append(emitted(11, size=10))
    assert [m.message_id for m in recent] == ["m11"]
