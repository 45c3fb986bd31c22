"""StateStore on a SQLite file (the embedded default, ``.stephost/state.db``)."""

from __future__ import annotations

import time
from pathlib import Path

from ..sqlite import open_db, writes
from .base import Items, Names

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
    """Each call is one short statement on the event loop's thread."""

    def __init__(self, path: Path) -> None:
        self._db = open_db(path)
        self._db.executescript(_SCHEMA)

    async def get(self, group: str, key: str) -> bytes | None:
        row = self._db.execute(
            "SELECT value FROM state WHERE grp = ? AND key = ?", (group, key)
        ).fetchone()
        return None if row is None else bytes(row[0])

    @writes("storing state")
    async def set(self, group: str, key: str, value: bytes) -> None:
        self._db.execute(
            "INSERT INTO state (grp, key, value, updated_ms) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (grp, key) DO UPDATE SET value = excluded.value, "
            "updated_ms = excluded.updated_ms",
            (group, key, value, int(time.time() * 1000)),
        )

    @writes("deleting state")
    async def delete(self, group: str, key: str) -> bool:
        cursor = self._db.execute("DELETE FROM state WHERE grp = ? AND key = ?", (group, key))
        return cursor.rowcount > 0

    async def list(self, group: str) -> Items:
        rows = self._db.execute(
            "SELECT key, value FROM state WHERE grp = ? ORDER BY key", (group,)
        ).fetchall()
        return [(key, bytes(value)) for key, value in rows]

    @writes("clearing a state group")
    async def clear(self, group: str) -> int:
        return self._db.execute("DELETE FROM state WHERE grp = ?", (group,)).rowcount

    async def groups(self) -> Names:
        return [row[0] for row in self._db.execute("SELECT DISTINCT grp FROM state ORDER BY grp")]

    async def close(self) -> None:
        self._db.close()
