"""One invocation as the runtime runs it: a plain value the bridge decodes from the wire.

Built for every invocation, so a plain slotted dataclass, not a frozen one (which costs
about 2 us more to build); nothing mutates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stephost.types import ApiRequest


@dataclass(slots=True)
class Invocation:
    """Run ``step``'s handler once: with ``request`` (api, and auth: an auth step checks
    it) or ``payload`` (JSON: the event's data, null for cron)."""

    id: int
    step: str
    trigger: str  # "api", "event", "cron" or "auth"
    payload: bytes
    attempt: int
    trace_id: str
    traceparent: str
    tracestate: str = ""
    deadline_unix_ms: int = 0  # 0: none
    topic: str = ""
    message_id: str = ""
    request: ApiRequest | None = None
    auth: Any = None  # the principal the api step's auth accepted
