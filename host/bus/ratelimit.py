"""A step's ``rateLimit``: a token bucket per step, or per value of one field of the
data (``key``), so that a step calling a paid or rate-limited API runs at most
``limit`` times per ``periodMs`` (bursts up to ``limit``).

    "rateLimit": {"limit": 10, "periodMs": 60000}                       # the whole step
    "rateLimit": {"limit": 2, "periodMs": 1000, "key": "customerId"}    # per customer

Without a key, the worker leases no more deliveries than there are tokens, so a
throttled step holds no lease it cannot run. With a key, a delivery whose key has no
token waits for one in its concurrency slot.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..catalog import RateLimit

# Buckets kept per keyed limit; the least recently used go first beyond it.
MAX_KEYS = 10_000


class TokenBucket:
    """``limit`` tokens, refilled continuously at ``limit`` per ``period_ms``."""

    def __init__(self, limit: int, period_ms: int, now_ms: float) -> None:
        self.limit = limit
        self.period_ms = period_ms
        self.tokens = float(limit)
        self.updated_ms = now_ms

    def _refill(self, now_ms: float) -> None:
        elapsed = max(0.0, now_ms - self.updated_ms)
        self.tokens = min(float(self.limit), self.tokens + elapsed * self.limit / self.period_ms)
        self.updated_ms = now_ms

    def available(self, now_ms: float) -> int:
        self._refill(now_ms)
        return int(self.tokens)

    def until_token(self, now_ms: float) -> float:
        """Ms until a token is there (0: one is)."""
        self._refill(now_ms)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) * self.period_ms / self.limit

    def take(self, now_ms: float) -> float:
        """Take a token: 0 if one was there, else how many ms until there is one (none
        was taken)."""
        self._refill(now_ms)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) * self.period_ms / self.limit


class RateLimiter:
    """The buckets of one step's rate limit."""

    def __init__(self, rate: RateLimit, now_ms: float) -> None:
        self.rate = rate
        self._step = TokenBucket(rate.limit, rate.period_ms, now_ms)
        self._keyed: dict[str, TokenBucket] = {}

    @property
    def keyed(self) -> bool:
        return bool(self.rate.key)

    def available(self, now_ms: float) -> int:
        """Deliveries that may start now (an unkeyed limit; a keyed one: unbounded)."""
        return self._step.available(now_ms) if not self.keyed else 1 << 30

    def until_token(self, now_ms: float) -> float:
        """Ms until the step (unkeyed) has a token again."""
        return self._step.until_token(now_ms)

    def take(self, data: bytes, now_ms: float) -> float:
        """Take a token for a delivery of ``data``; ms to wait if there was none."""
        if not self.keyed:
            return self._step.take(now_ms)
        key = key_of(data, self.rate.key)
        bucket = self._keyed.pop(key, None) or TokenBucket(
            self.rate.limit, self.rate.period_ms, now_ms
        )
        self._keyed[key] = bucket  # most recently used last
        if len(self._keyed) > MAX_KEYS:
            del self._keyed[next(iter(self._keyed))]
        return bucket.take(now_ms)


def key_of(data: bytes, field: str) -> str:
    """The value of ``field`` in the JSON ``data``, as text ("" when absent)."""
    try:
        value: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        return ""
    parts = field.lstrip("/").split("/") if field.startswith("/") else [field]
    for part in parts:
        if isinstance(value, dict):
            value = value.get(part.replace("~1", "/").replace("~0", "~"))
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return ""
    return value if isinstance(value, str) else orjson.dumps(value).decode()
