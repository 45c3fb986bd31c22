"""One invocation as the runtime runs it: a plain value the bridge decodes from the wire."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Invocation:
    """Run ``step``'s handler once."""

    id: int
    step: str
    trigger: str  # "api", "event" or "cron"
    payload: bytes  # JSON: the event's data, the api request, or null for cron
    attempt: int
    trace_id: str
    traceparent: str
    tracestate: str = ""
    deadline_unix_ms: int = 0  # 0: none
    topic: str = ""
    message_id: str = ""
