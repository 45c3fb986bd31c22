"""Every StateStore backend behaves the same (SQLite, in memory, Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from stephost_host.redis import connect
from stephost_host.state.base import StateStore
from stephost_host.state.memory import MemoryStateStore
from stephost_host.state.redis import RedisStateStore
from stephost_host.state.sqlite import SqliteStateStore

# A backend opens a store (another handle on the same data each time it is called).
Opener = Callable[[], Awaitable[StateStore]]


@pytest.fixture(params=["sqlite", "memory", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    if request.param == "sqlite":

        async def sqlite() -> StateStore:
            return SqliteStateStore(tmp_path / "state.db")

        return sqlite
    if request.param == "memory":
        shared = MemoryStateStore()

        async def memory() -> StateStore:
            return shared

        return memory
    url = request.getfixturevalue("redis_url")

    async def redis() -> StateStore:
        return RedisStateStore(await connect(url))

    return redis


def test_state_operations(open_store: Opener) -> None:
    async def go() -> None:
        store = await open_store()
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
        assert await store.clear("never") == 0
        await store.close()

    asyncio.run(go())


def test_a_group_is_read_a_page_at_a_time_and_counted(open_store: Opener) -> None:
    """``page`` walks a group in key order from any key (one past ``after``), and each
    backend orders alike: by code point, which is UTF-8's byte order (SQLite's)."""

    async def go() -> None:
        store = await open_store()
        keys = [f"k{i:02}" for i in range(25)] + ["é", "z", "Z"]
        for key in keys:
            await store.set("big", key, f'"{key}"'.encode())
        await store.set("other", "a", b"1")
        expected = sorted(keys)
        assert expected[-3:] == ["k24", "z", "é"] and expected[0] == "Z"
        walked: list[str] = []
        after = ""
        while page := await store.page("big", after, 10):
            assert len(page) <= 10
            walked += [key for key, _ in page]
            after = page[-1][0]
        assert walked == expected
        assert await store.page("big", "k03", 2) == [("k04", b'"k04"'), ("k05", b'"k05"')]
        assert await store.page("big", "é", 10) == []
        assert await store.page("none", "", 10) == []
        assert await store.count("big") == len(keys)
        assert await store.count("none") == 0
        await store.close()

    asyncio.run(go())


def test_search_looks_in_keys_and_values_of_every_group_but_the_streams(
    open_store: Opener,
) -> None:
    async def go() -> None:
        store = await open_store()
        await store.set("orders", "A-1", b'{"item": "Teapot"}')
        await store.set("orders", "b-2", b'{"item": "mug"}')
        await store.set("audit", "teapot-7", b"true")
        await store.set("$stream:kitchen:all", "teapot", b"{}")  # a stream's: not searched
        teapots = [("audit", "teapot-7", b"true"), ("orders", "A-1", b'{"item": "Teapot"}')]
        assert await store.search("teapot", 10) == teapots
        assert await store.search("TEAPOT", 10) == teapots  # ASCII letters in either case
        assert await store.search("teapot", 1) == teapots[:1]
        assert await store.search("a-1", 10) == [("orders", "A-1", b'{"item": "Teapot"}')]
        assert await store.search("kettle", 10) == []
        await store.close()

    asyncio.run(go())


def test_concurrent_writers_through_two_handles_lose_nothing(open_store: Opener) -> None:
    """Two handles on one backend (two hosts on one Redis) write at once: every key
    lands, the last write of a key wins, and ``list`` stays ordered by key."""

    async def go() -> None:
        first, second = await open_store(), await open_store()

        async def write(store: StateStore, who: str) -> None:
            for i in range(100):
                await store.set("g", f"{who}{i:03}", f'"{who}"'.encode())
                await store.set("shared", "last", f'"{who}{i:03}"'.encode())

        await asyncio.gather(write(first, "a"), write(second, "b"))
        items = await second.list("g")
        assert [key for key, _ in items] == sorted(f"{w}{i:03}" for w in "ab" for i in range(100))
        assert await first.get("shared", "last") in (b'"a099"', b'"b099"')
        deleted = await asyncio.gather(first.delete("g", "a000"), second.delete("g", "a000"))
        assert sorted(deleted) == [False, True]  # exactly one of them deleted it
        await first.close()
        await second.close()

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
