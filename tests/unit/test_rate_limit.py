"""A step's rateLimit, counted: how many deliveries a token bucket lets through, per step
and per key, with the clock given (the bucket) or a period far longer than the test (the
worker, over a real gRPC stream to a fake runtime and a real SQLite queue)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from stephost_host.bus.base import Publication
from stephost_host.bus.ratelimit import RateLimiter, TokenBucket, key_of
from stephost_host.catalog import ConfigError, RateLimit, parse_step
from tests.unit.test_bridge import TRACE_ID, run, runtime, step, worker_bus

HOUR_MS = 3_600_000


def test_a_bucket_lets_limit_through_then_refills_at_the_rate() -> None:
    bucket = TokenBucket(3, 1000, now_ms=0)
    assert [bucket.take(0) for _ in range(3)] == [0, 0, 0]
    assert bucket.take(0) == pytest.approx(1000 / 3)  # none left: when the next comes
    assert bucket.take(1000 / 3) == 0
    assert bucket.available(10_000) == 3  # never more than the burst


def test_keyed_buckets_are_separate() -> None:
    limiter = RateLimiter(RateLimit(1, 1000, "customer"), now_ms=0)
    a, b = b'{"customer": "a"}', b'{"customer": "b"}'
    assert (limiter.take(a, 0), limiter.take(b, 0)) == (0, 0)
    assert limiter.take(a, 0) > 0 and limiter.take(b, 0) > 0
    assert key_of(b'{"o": {"id": 7}}', "/o/id") == "7"


def test_a_bad_rate_limit_is_a_config_error() -> None:
    base = {"type": "event", "name": "E", "subscribes": ["t"]}
    good = parse_step(
        {**base, "rateLimit": {"limit": 5, "periodMs": 60_000, "key": "c"}},
        language="python",
        file="f",
    )
    assert good.rate_limit == RateLimit(5, 60_000, "c")
    for bad in ({"limit": 0}, {"limit": 2, "every": 5}, "5/s"):
        with pytest.raises(ConfigError, match="rateLimit"):
            parse_step({**base, "rateLimit": bad}, language="python", file="f")


def publication(i: int, key: str) -> Publication:
    return Publication(
        message_id=f"m{i}",
        topic="work",
        data=json.dumps({"i": i, "customer": key}).encode(),
        traceparent=f"00-{TRACE_ID}-00f067aa0ba902b7-01",
        steps=("Work",),
    )


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(RateLimit(3, HOUR_MS), 3), (RateLimit(2, HOUR_MS, "customer"), 4)],
    ids=["per-step", "per-key"],
)
def test_the_worker_runs_no_more_than_the_limit(
    tmp_path: Path, rate: RateLimit, expected: int
) -> None:
    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=8, rate_limit=rate)
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            fake = await runtime(door, pool, steps=["Work"])
            await queue.publish([publication(i, "ab"[i % 2]) for i in range(8)], 1000)
            bus.wake_all()
            received = [await fake.next_invocation() for _ in range(expected)]
            with pytest.raises(TimeoutError):  # the bucket is empty for the next hour
                await fake.next_invocation(timeout_s=0.3)
            for r in received:
                await fake.answer(r.id)
            if rate.key:
                assert sorted(json.loads(r.payload)["customer"] for r in received) == [
                    "a", "a", "b", "b",
                ]  # fmt: skip
            await asyncio.sleep(0.05)
            assert bus.workers["Work"].handled == expected
            counts = (await queue.counts())["Work"]
            if not rate.key:  # nothing leased that cannot run
                assert counts == {"ready": 8 - expected, "delayed": 0, "leased": 0, "dead": 0}
            bus.stop_workers()

    run(go)
