"""A runtime killed by one message never parks the innocent ones that ran beside it:
after a death shared by several deliveries, each runs alone on its runtime until it
succeeds, and only deaths alone count towards the poison bound. Fake runtimes over a
real gRPC stream (host/bridge/fake.py), a real SQLite queue; counted, not timed."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from stephost_host.bus.bus import MAX_INTERRUPTIONS
from tests.unit.test_bridge import (
    pool_event,
    publication,
    run,
    runtime,
    step,
    until_idle,
    worker_bus,
)


def test_only_the_message_that_kills_its_runtime_is_parked(tmp_path: Path) -> None:
    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=4)
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            names = (f"rt{i}" for i in itertools.count())
            fake = await runtime(door, pool, steps=["Work"], runtime_id=next(names))
            await queue.publish([publication(i) for i in (1, 2, 3, 4)], 1000)
            bus.wake_all()
            first = [await fake.next_invocation() for _ in range(4)]  # all four together
            assert sorted(r.message_id for r in first) == ["m1", "m2", "m3", "m4"]

            async def die() -> None:
                nonlocal fake
                detached = pool_event(pool, attached=False)
                await fake.hang_up()
                await asyncio.wait_for(detached.wait(), 5)
                fake = await runtime(door, pool, steps=["Work"], runtime_id=next(names))

            await die()  # m1 killed it, but which one did is not known yet
            deaths_alone = 0
            handled = []
            while len(handled) < 3 or deaths_alone < MAX_INTERRUPTIONS - 1:
                received = await fake.next_invocation()
                with pytest.raises(TimeoutError):  # a suspect runs alone on its runtime
                    await fake.next_invocation(timeout_s=0.2)
                if received.message_id == "m1":
                    deaths_alone += 1
                    await die()
                else:
                    handled.append(received.message_id)
                    await fake.answer(received.id)
            await until_idle(bus)
            assert sorted(handled) == ["m2", "m3", "m4"]
            (letter,) = await bus.dead_letters("Work")
            assert letter.message_id == "m1"
            assert "the last time with nothing else running" in letter.error["message"]

    run(go)
