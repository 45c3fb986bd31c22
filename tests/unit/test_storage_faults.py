"""SQLite's write failures, caused for real on the backends' own connections (a full
database with ``max_page_count``, a read-only one with ``query_only``): each raises
StorageError naming what failed and why, changes nothing, and leaves the connection
ready for the next write once the store takes writes again."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from stephost_host.bus.base import Publication
from stephost_host.bus.sqlite import SqliteQueue
from stephost_host.errors import StorageError
from stephost_host.state.sqlite import SqliteStateStore


def publication(i: int, size: int = 10) -> Publication:
    return Publication(f"m{i}", "t", b"x" * size, "", ("A", "B"))


def full(db: sqlite3.Connection) -> None:
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_queue_refuses_a_publish_whole_and_takes_the_next_once_freed(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        queue = SqliteQueue(tmp_path / "q.db")
        db: sqlite3.Connection = queue._writer.db
        full(db)
        with pytest.raises(
            StorageError, match="storing emitted messages failed: database or disk is full"
        ):
            await queue.publish([publication(1), publication(2, size=50_000)], 1000)
        assert await queue.counts() == {}  # nothing of the batch was stored
        assert not db.in_transaction
        db.execute("PRAGMA max_page_count = 1073741823")
        await queue.publish([publication(3, size=50_000)], 1000)
        assert (await queue.counts())["A"]["ready"] == 1
        await queue.close()

    asyncio.run(go())


def test_read_only_queue_and_state_refuse_writes_and_recover(tmp_path: Path) -> None:
    async def go() -> None:
        queue = SqliteQueue(tmp_path / "q.db")
        await queue.publish([publication(1), publication(2)], 1000)
        leased = await queue.lease("A", 10, 60_000)
        queue._writer.db.execute("PRAGMA query_only = ON")
        with pytest.raises(
            StorageError,
            match="acknowledging deliveries failed: attempt to write a readonly database",
        ):
            await queue.ack([d.id for d in leased])
        for write in (
            queue.lease("B", 10, 60_000),
            queue.retry(leased[0].id, 0, {}),
            queue.release(leased[0].id),
            queue.bury(leased[0].id, {}),
        ):
            with pytest.raises(StorageError):
                await write
        assert not queue._writer.db.in_transaction  # the failed batch ack left no transaction open
        queue._writer.db.execute("PRAGMA query_only = OFF")
        await queue.ack([d.id for d in leased])
        assert "A" not in await queue.counts()  # both acknowledged: gone
        await queue.close()

        state = SqliteStateStore(tmp_path / "s.db")
        state._writer.db.execute("PRAGMA query_only = ON")
        with pytest.raises(StorageError, match="storing state failed"):
            await state.set("g", "k", b"1")
        state._writer.db.execute("PRAGMA query_only = OFF")
        await state.set("g", "k", b"1")
        assert await state.get("g", "k") == b"1"
        await state.close()

    asyncio.run(go())
