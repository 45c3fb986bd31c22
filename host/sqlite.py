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
from .telemetry import get_logger

P = ParamSpec("P")
R = TypeVar("R")

log = get_logger(component="sqlite")


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


# The WAL's size at which a checkpoint starts: SQLite's own default (1000 pages of 4 KiB).
CHECKPOINT_AT_BYTES = 4 * 1024 * 1024


class Writer:
    """The connection that writes one SQLite file, one transaction at a time, and keeps
    its syncs off the event loop.

    In WAL mode with ``synchronous=NORMAL`` a commit only writes to the WAL; the syncs
    are in the checkpoint (sync the WAL, copy it into the database, sync that) and in
    the first commit after a complete one, which starts the WAL anew and syncs its
    header. On a busy disk each sync can take seconds, and SQLite's automatic checkpoint
    runs inside a commit, where it stalled everything the loop serves. So here the
    automatic checkpoint is off; once the WAL holds ``CHECKPOINT_AT_BYTES``, a checkpoint,
    and then the commit after it, run on a thread of their own while the loop goes on (the
    writes wait for them, as they waited for SQLite's). Other commits stay on the loop:
    handing each to a thread cost more than it wrote. Reads use a connection of their
    own, which sees what has committed.
    """

    def __init__(self, path: Path) -> None:
        self.db = open_db(path)
        self.db.execute("PRAGMA wal_autocheckpoint=0")
        # A WAL started anew is cut to nothing first, so its size is what it holds.
        self.db.execute("PRAGMA journal_size_limit=0")
        self._wal = path.with_name(path.name + "-wal")
        self._checkpoint_due = False
        self._restarting = False  # the next commit may start the WAL anew: on the thread
        self._lock = asyncio.Lock()
        self._syncer = ThreadPoolExecutor(1, thread_name_prefix="sqlite-sync")
        self._checkpoints: set[asyncio.Task[None]] = set()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE, the caller's statements, COMMIT; rolled back on any error.
        Returns once the transaction committed."""
        await self._lock.acquire()
        db = self.db
        handed_off = False  # the lock is released when the commit on the thread ends
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                if not self._restarting:
                    db.execute("COMMIT")
            except BaseException:
                _roll_back(db)
                raise
            if self._restarting:
                handed_off = True
                await self._on_thread("COMMIT", restarting_after=False)
            if not self._checkpoint_due and self._wal.stat().st_size >= CHECKPOINT_AT_BYTES:
                self._checkpoint_due = True
                task = asyncio.create_task(self._checkpoint())
                self._checkpoints.add(task)
                task.add_done_callback(self._checkpoints.discard)
        finally:
            if not handed_off:
                self._lock.release()

    async def _checkpoint(self) -> None:
        try:
            await self._lock.acquire()
            await self._on_thread("PRAGMA wal_checkpoint(PASSIVE)", restarting_after=True)
        except sqlite3.Error as exc:  # the next commit asks again; the WAL only grows
            log.warning("a WAL checkpoint failed", file=self._wal.name, error=str(exc))
        finally:
            self._checkpoint_due = False

    async def _on_thread(self, statement: str, *, restarting_after: bool) -> None:
        """Run ``statement`` on the syncing thread; the caller holds the lock, which is
        released when it ended. A task cancelled meanwhile stops waiting, but the
        statement goes on, and the next transaction begins only after it.
        ``restarting_after``: whether, once it succeeded, the next commit may start the
        WAL anew."""
        done = asyncio.wrap_future(self._syncer.submit(self._run, statement))
        done.add_done_callback(functools.partial(self._ended, restarting_after))
        await asyncio.shield(done)

    def _run(self, statement: str) -> None:
        self.db.execute(statement).fetchall()  # a checkpoint's row read: the statement ends

    def _ended(self, restarting_after: bool, done: asyncio.Future[None]) -> None:
        try:
            if done.cancelled() or done.exception() is not None:
                _roll_back(self.db)  # a commit that failed (disk full); else nothing is open
            else:
                self._restarting = restarting_after
        finally:
            self._lock.release()

    async def close(self) -> None:
        await asyncio.gather(*self._checkpoints, return_exceptions=True)
        self._syncer.shutdown(wait=True)
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
