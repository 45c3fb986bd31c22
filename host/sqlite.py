"""Opening SQLite files the way every embedded backend wants them, and the one place
their write failures become ``StorageError``."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable, Coroutine, Iterator
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


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error. A failed write (disk full)
    may already have ended the transaction: then there is nothing to roll back, and the
    connection is ready for the next one either way."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


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
