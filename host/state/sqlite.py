"""StateStore on a SQLite file (the embedded default, ``.stephost/state.db``).

Writes (set, delete, clear) go through a group commit, as emits do: the writes made
meanwhile share one transaction, in the order they were made, and each call returns
once its transaction committed (``host.sqlite.Writer`` keeps SQLite's syncs off the
event loop). So a handler still reads its own writes, and what ``set`` acknowledged
survives a crash of the host.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from ..batcher import Batcher
from ..sqlite import Writer, open_db, writes
from .base import Found, Items, Names, folded

_UPSERT = (
    "INSERT INTO state (grp, key, value, updated_ms) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (grp, key) DO UPDATE SET value = excluded.value, "
    "updated_ms = excluded.updated_ms"
)
# A write: ("set", group, key, value), ("delete", group, key, None) or
# ("clear", group, "", None).
_Write = tuple[str, str, str, bytes | None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (
    grp TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (grp, key)
) WITHOUT ROWID;
"""


class SqliteStateStore:
    """Reads are one short statement on the event loop's thread; writes are batched."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._writer = Writer(path)
        self._writer.db.executescript(_SCHEMA)
        self._db = open_db(path)  # for reads
        self._writes: Batcher[_Write, int] = Batcher(self._write)

    @writes("storing state")
    async def _write(self, batch: list[_Write]) -> list[int]:
        """One transaction for the batch; each write's count of rows it changed."""
        now = int(time.time() * 1000)
        changed = []
        async with self._writer.transaction() as db:
            for op, group, key, value in batch:
                if op == "set":
                    db.execute(_UPSERT, (group, key, value, now))
                    changed.append(1)
                elif op == "delete":
                    cursor = db.execute("DELETE FROM state WHERE grp = ? AND key = ?", (group, key))
                    changed.append(cursor.rowcount)
                else:
                    changed.append(db.execute("DELETE FROM state WHERE grp = ?", (group,)).rowcount)
        return changed

    async def get(self, group: str, key: str) -> bytes | None:
        row = self._db.execute(
            "SELECT value FROM state WHERE grp = ? AND key = ?", (group, key)
        ).fetchone()
        return None if row is None else bytes(row[0])

    async def set(self, group: str, key: str, value: bytes) -> None:
        await self._writes.submit(("set", group, key, value))

    async def delete(self, group: str, key: str) -> bool:
        return await self._writes.submit(("delete", group, key, None)) > 0

    async def list(self, group: str) -> Items:
        rows = self._db.execute(
            "SELECT key, value FROM state WHERE grp = ? ORDER BY key", (group,)
        ).fetchall()
        return [(key, bytes(value)) for key, value in rows]

    async def page(self, group: str, after: str, limit: int) -> Items:
        rows = self._db.execute(
            "SELECT key, value FROM state WHERE grp = ? AND key > ? ORDER BY key LIMIT ?",
            (group, after, limit),
        ).fetchall()
        return [(key, bytes(value)) for key, value in rows]

    async def count(self, group: str) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM state WHERE grp = ?", (group,)).fetchone()
        return int(row[0])

    async def search(self, text: str, limit: int) -> Found:
        """One scan inside SQLite, not every group read into Python, and on a thread
        with a connection of its own: it reads every item (100,000: ~50 ms), too long
        for the event loop, which the other reads share."""
        return await asyncio.to_thread(self._search, folded(text).decode(), limit)

    def _search(self, needle: str, limit: int) -> Found:
        db = sqlite3.connect(self._path)
        try:
            rows = db.execute(
                "SELECT grp, key, value FROM state WHERE substr(grp, 1, 1) != '$' AND "
                "(instr(lower(key), ?1) > 0 OR instr(lower(CAST(value AS TEXT)), ?1) > 0) "
                "ORDER BY grp, key LIMIT ?2",
                (needle, limit),
            ).fetchall()
        finally:
            db.close()
        return [(group, key, bytes(value)) for group, key, value in rows]

    async def clear(self, group: str) -> int:
        return await self._writes.submit(("clear", group, "", None))

    async def groups(self) -> Names:
        return [row[0] for row in self._db.execute("SELECT DISTINCT grp FROM state ORDER BY grp")]

    async def close(self) -> None:
        await self._writes.drain()
        await self._writer.close()
        self._db.close()
