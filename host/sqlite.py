"""Opening SQLite files the way every embedded backend wants them."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


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
