"""Opening SQLite files the way every embedded backend wants them, and the one place
their write failures become ``StorageError``."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from .errors import StorageError

P = ParamSpec("P")
R = TypeVar("R")


def open_db(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode, in autocommit (callers open transactions).

    ``synchronous=NORMAL`` in WAL mode makes every commit survive a crash of the
    process (what "durable before emit returns" needs); a power loss may lose
    the last commits. Set STEPHOST_SQLITE_SYNCHRONOUS=FULL to trade speed for that.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    synchronous = os.environ.get("STEPHOST_SQLITE_SYNCHRONOUS", "NORMAL").upper()
    if synchronous not in ("NORMAL", "FULL", "EXTRA"):
        synchronous = "NORMAL"
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


class Writer:
    """The connection that writes one SQLite file, one transaction at a time.

    A transaction's statements run on the event loop; its COMMIT runs on a thread of
    its own. A commit in WAL mode is a write to the WAL, but every 1000 pages it also
    checkpoints (syncs the WAL, copies it into the database, syncs that), and on a busy
    disk those syncs take seconds: the loop awaits them instead of stalling on them.
    Reads use a connection of their own, which sees what has committed.
    """

    def __init__(self, path: Path) -> None:
        self.db = open_db(path)
        self._lock = asyncio.Lock()
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="sqlite-commit")

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE, the caller's statements, then COMMIT on the committer's
        thread; rolled back on any error. Returns once the transaction committed."""
        await self._lock.acquire()
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                _roll_back(db)
                raise
        except BaseException:
            self._lock.release()
            raise
        committed = asyncio.wrap_future(self._committer.submit(db.execute, "COMMIT"))
        committed.add_done_callback(self._committed)
        # A task cancelled meanwhile stops waiting; the commit goes on in its thread,
        # and the next transaction begins once it ended (``_committed``).
        await asyncio.shield(committed)

    def _committed(self, commit: asyncio.Future[sqlite3.Cursor]) -> None:
        """Roll back a commit that failed (disk full), and let the next transaction in."""
        try:
            if commit.cancelled() or commit.exception() is not None:
                _roll_back(self.db)
        finally:
            self._lock.release()

    def close(self) -> None:
        self._committer.shutdown(wait=True)
        self.db.close()


def _roll_back(db: sqlite3.Connection) -> None:
    """A failed write (disk full) may already have ended the transaction: then there is
    nothing to roll back, and the connection is ready for the next one either way."""
    if db.in_transaction:
        db.execute("ROLLBACK")


Method = Callable[P, Coroutine[Any, Any, R]]


def writes(what: str) -> Callable[[Method[P, R]], Method[P, R]]:
    """A backend method whose SQLite failure (disk full, read-only file, I/O error)
    raises ``StorageError`` saying ``what`` failed and SQLite's reason."""

    def decorate(method: Method[P, R]) -> Method[P, R]:
        @functools.wraps(method)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await method(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                raise StorageError(f"{what} failed: {exc}") from exc

        return wrapper

    return decorate
