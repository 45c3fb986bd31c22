"""SQLite's syncs stay off the event loop: the WAL checkpoints, and the commit after one
(which starts the WAL anew and syncs its header), run on a thread of their own. While
one is held up (as on a busy disk) the loop goes on serving, reads see what has
committed, and writes wait their turn."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

import pytest

import stephost_host.sqlite
from stephost_host.state.sqlite import SqliteStateStore

CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)"


@pytest.fixture(autouse=True)
def checkpoint_at_20_kib(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint once the WAL holds 20 KiB: after the third commit of a fresh file
    here (each writes a page or two of 4 KiB)."""
    monkeypatch.setattr(stephost_host.sqlite, "CHECKPOINT_AT_BYTES", 20 * 1024)


class Statements:
    """Records which thread ran each statement of a writer's connection, and can hold
    the statements it is told to (as a sync on a busy disk would) until released."""

    def __init__(self, state: SqliteStateStore, hold: str = "") -> None:
        self.ran: list[tuple[str, bool]] = []  # (statement, on the loop's thread)
        self.held = threading.Event()
        self.release = threading.Event()
        self._hold = hold
        self._loop_thread = threading.get_ident()
        state._writer.db.set_trace_callback(self._traced)

    def _traced(self, statement: str) -> None:
        self.ran.append((statement, threading.get_ident() == self._loop_thread))
        if statement == self._hold and not self.release.is_set():
            self.held.set()
            self.release.wait(10)

    async def until_held(self) -> None:
        while not self.held.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.001)


def test_checkpoints_and_the_commit_after_each_run_off_the_loop(tmp_path: Path) -> None:
    async def go() -> list[tuple[str, bool]]:
        state = SqliteStateStore(tmp_path / "state.db")
        statements = Statements(state)
        for i in range(30):  # one transaction each
            await state.set("g", f"k{i}", b"v" * 1000)
        await state.close()
        return [(s, on_loop) for s, on_loop in statements.ran if s in ("COMMIT", CHECKPOINT)]

    ran = asyncio.run(go())
    checkpoints = [i for i, (statement, _) in enumerate(ran) if statement == CHECKPOINT]
    assert len(checkpoints) >= 3
    for i, (statement, on_loop) in enumerate(ran):
        if statement == CHECKPOINT or i - 1 in checkpoints:  # and the commit after one
            assert not on_loop, (i, ran)
        else:
            assert on_loop, (i, ran)  # the others stay on the loop: no hand-off to pay


def test_a_held_up_checkpoint_leaves_the_loop_serving_and_writes_waiting(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        state = SqliteStateStore(tmp_path / "state.db")
        statements = Statements(state, hold=CHECKPOINT)
        for value in (b"1", b"2", b"3"):  # the third commit starts a checkpoint
            await state.set("g", "k", value)
        await statements.until_held()

        # The checkpoint waits in its thread; the loop answers reads meanwhile, with
        # what has committed, and a write waits for the checkpoint to end.
        setting = asyncio.create_task(state.set("g", "k", b"4"))
        assert await state.get("g", "k") == b"3"
        assert await state.list("g") == [("k", b"3")]
        await asyncio.sleep(0.05)
        assert not setting.done()

        statements.release.set()
        await asyncio.wait_for(setting, 10)
        assert await state.get("g", "k") == b"4"  # the handler reads its own write
        await state.close()

    asyncio.run(go())


def test_the_wal_stays_small_under_a_steady_stream_of_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each checkpoint completes (no write runs during it), so the WAL starts anew
    after it instead of growing: 2,000 commits of about two pages each would make a
    WAL of 8 MB without checkpoints."""
    monkeypatch.setattr(stephost_host.sqlite, "CHECKPOINT_AT_BYTES", 512 * 1024)

    async def go() -> int:
        state = SqliteStateStore(tmp_path / "state.db")
        largest = 0
        for i in range(2000):
            await state.set("g", f"k{i % 50}", b"x" * 200)
            largest = max(largest, (tmp_path / "state.db-wal").stat().st_size)
        await state.close()
        return largest

    assert asyncio.run(go()) < 1024 * 1024


def test_a_write_cancelled_during_its_commit_on_the_thread_is_committed_and_the_next_waits(
    tmp_path: Path,
) -> None:
    """The commit goes on in its thread when the awaiting task is cancelled: the
    connection is not used again until it ended, and what it committed stays."""

    async def go() -> None:
        state = SqliteStateStore(tmp_path / "state.db")
        for i in range(3):
            await state.set("g", f"before{i}", b"0" * 3000)
        await asyncio.sleep(0.05)  # the checkpoint ends; the next commit is on the thread
        statements = Statements(state, hold="COMMIT")
        setting = asyncio.create_task(state.set("g", "a", b"1"))
        await statements.until_held()
        assert statements.ran[-1] == ("COMMIT", False)
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
        statements.release.set()
        await asyncio.wait_for(after, 10)
        assert not state._writer.db.in_transaction
        assert await state.get("g", "a") == b"1"  # the cancelled write committed
        await state.close()

    asyncio.run(go())
