"""Bounds on what the admin API takes, as types its endpoints declare (FastAPI checks
them and answers 400 in the host's error shape), and as limits its models use.

Bodies are bounded before they reach an endpoint (``host.http.guard``: size, depth,
valid JSON); these bound the values inside.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from ..catalog import MAX_PRIORITY, MIN_PRIORITY

MAX_NAME = 256  # a topic, step, group, key, stream, id or search text
MAX_DELAY_MS = 30 * 24 * 3600 * 1000  # 30 days
MAX_LIMIT = 100_000  # items one listing returns
MAX_IDS = 1000  # ids one request names

# A message's priority: an integer from 0 to 9, higher first (``true`` or "5" refused).
Priority = Annotated[
    int | None,
    Field(
        default=None,
        strict=True,
        ge=MIN_PRIORITY,
        le=MAX_PRIORITY,
        description=f"{MIN_PRIORITY} to {MAX_PRIORITY}, higher first; "
        "omitted: each subscriber's config `priority` (default 0)",
    ),
]

Name = Annotated[str, Path(min_length=1, max_length=MAX_NAME)]
OptName = Annotated[str | None, Query(max_length=MAX_NAME)]
Text = Annotated[str, Query(max_length=MAX_NAME)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
OptLimit = Annotated[int | None, Query(ge=1, le=MAX_LIMIT)]
After = Annotated[int, Query(ge=0)]
