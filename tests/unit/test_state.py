"""Every StateStore backend behaves the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.state.base import StateStore
from stephost_host.state.memory import MemoryStateStore
from stephost_host.state.sqlite import SqliteStateStore

BACKENDS: dict[str, Callable[[Path], StateStore]] = {
    "sqlite": lambda tmp: SqliteStateStore(tmp / "state.db"),
    "memory": lambda _tmp: MemoryStateStore(),
}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_state_operations(backend: str, tmp_path: Path) -> None:
    store = BACKENDS[backend](tmp_path)

    async def go() -> None:
        assert await store.get("g", "k") is None
        await store.set("g", "b", b'{"n": 2}')
        await store.set("g", "a", b"[1]")
        await store.set("g", "a", b"[1, 2]")
        await store.set("other", "x", b"true")
        assert await store.get("g", "a") == b"[1, 2]"
        assert await store.list("g") == [("a", b"[1, 2]"), ("b", b'{"n": 2}')]
        assert await store.groups() == ["g", "other"]
        assert await store.delete("g", "a") is True
        assert await store.delete("g", "a") is False
        assert await store.clear("g") == 1
        assert await store.list("g") == []
        assert await store.groups() == ["other"]
        await store.close()

    asyncio.run(go())


def test_sqlite_state_survives_reopening(tmp_path: Path) -> None:
    async def go() -> None:
        first = SqliteStateStore(tmp_path / "s.db")
        await first.set("g", "k", b'"kept"')
        await first.close()
        second = SqliteStateStore(tmp_path / "s.db")
        assert await second.get("g", "k") == b'"kept"'

    asyncio.run(go())


def test_sqlite_writes_of_one_turn_share_a_commit_in_order(tmp_path: Path) -> None:
    """Writes made together are applied in the order they were made, each with its own
    result, and are on disk (seen by another connection) once they return."""

    async def go() -> None:
        store = SqliteStateStore(tmp_path / "s.db")
        await store.set("g", "gone", b"0")
        results = await asyncio.gather(
            store.set("g", "k", b"1"),
            store.set("g", "k", b"2"),
            store.delete("g", "gone"),
            store.delete("g", "never"),
            store.set("h", "x", b"3"),
            store.clear("h"),
            store.set("h", "y", b"4"),
        )
        assert results == [None, None, True, False, None, 1, None]
        other = SqliteStateStore(tmp_path / "s.db")
        assert await other.list("g") == [("k", b"2")]
        assert await other.list("h") == [("y", b"4")]
        await other.close()
        await store.close()

    asyncio.run(go())
