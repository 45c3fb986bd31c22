"""SQLite commits (and the WAL checkpoints inside them) run off the event loop: while a
commit is held up, the loop goes on serving, and reads see only what has committed."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

from stephost_host.bus.base import Publication
from stephost_host.bus.sqlite import SqliteQueue
from stephost_host.sqlite import Writer
from stephost_host.state.sqlite import SqliteStateStore


def hold_commits(writer: Writer) -> tuple[threading.Event, threading.Event, list[int]]:
    """Make every COMMIT on ``writer`` wait for the returned ``release`` event (as a
    checkpoint's fsync on a busy disk would); ``committing`` is set when one waits.
    The list collects the ids of the threads that ran a COMMIT."""
    committing, release = threading.Event(), threading.Event()
    threads: list[int] = []

    def traced(statement: str) -> None:
        if statement == "COMMIT":
            threads.append(threading.get_ident())
            committing.set()
            release.wait(10)

    writer.db.set_trace_callback(traced)
    return committing, release, threads


def test_a_held_up_state_commit_leaves_the_loop_serving_reads(tmp_path: Path) -> None:
    async def go() -> None:
        state = SqliteStateStore(tmp_path / "state.db")
        await state.set("g", "k", b"old")
        committing, release, threads = hold_commits(state._writer)

        setting = asyncio.create_task(state.set("g", "k", b"new"))
        while not committing.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        # The commit waits in its thread; the loop answers reads meanwhile, with what
        # has committed, and the set has not returned.
        assert await state.get("g", "k") == b"old"
        assert await state.list("g") == [("k", b"old")]
        await asyncio.sleep(0.05)
        assert not setting.done()

        release.set()
        await asyncio.wait_for(setting, 10)
        assert await state.get("g", "k") == b"new"  # the handler reads its own write
        assert threads and threading.get_ident() not in threads
        await state.close()

    asyncio.run(go())


def test_a_held_up_queue_commit_leaves_the_loop_serving_and_keeps_the_order(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        queue = SqliteQueue(tmp_path / "queue.db")
        committing, release, threads = hold_commits(queue._writer)

        def publication(n: int) -> Publication:
            return Publication(
                topic="t", data=b"%d" % n, message_id=f"m{n}", traceparent="", steps=("A",)
            )

        first = asyncio.create_task(queue.publish([publication(1)], 1000))
        while not committing.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        # Writes made meanwhile wait their turn; reads go on, and see nothing yet.
        second = asyncio.create_task(queue.publish([publication(2)], 1000))
        await asyncio.sleep(0.05)
        assert await queue.counts() == {}
        assert await queue.has_pending() is False
        assert not first.done() and not second.done()

        release.set()
        assert await asyncio.wait_for(first, 10) == [False]
        assert await asyncio.wait_for(second, 10) == [False]
        leased = await queue.lease("A", 10, 60_000)
        assert [d.data for d in leased] == [b"1", b"2"]  # in the order they were made
        assert threading.get_ident() not in threads
        await queue.close()

    asyncio.run(go())


def test_a_write_cancelled_during_its_commit_is_committed_and_the_next_one_waits(
    tmp_path: Path,
) -> None:
    """The commit goes on in its thread when the awaiting task is cancelled: the
    connection is not used again until it ended, and what it committed stays."""

    async def go() -> None:
        state = SqliteStateStore(tmp_path / "state.db")
        committing, release, _ = hold_commits(state._writer)
        setting = asyncio.create_task(state.set("g", "a", b"1"))
        while not committing.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        # Cancel the batch's own task (a caller's cancel does not reach it).
        (flush,) = state._writes._tasks
        flush.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flush
        await asyncio.gather(setting, return_exceptions=True)
        assert setting.cancelled()  # its caller learns it, rather than waiting forever
        # The next write waits for the commit still held in its thread.
        after = asyncio.create_task(state.set("g", "b", b"2"))
        await asyncio.sleep(0.05)
        assert not after.done()
        release.set()
        await asyncio.wait_for(after, 10)
        assert not state._writer.db.in_transaction
        assert await state.get("g", "a") == b"1"  # the cancelled write committed
        assert [key for key, _ in await state.list("g")] == ["a", "b"]
        await state.close()

    asyncio.run(go())
