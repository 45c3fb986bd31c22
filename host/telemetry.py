"""Structured logs (structlog) and trace ids, in one place.

Logs are JSON lines when stdout is not a terminal and readable lines when it
is. Every line an invocation causes carries ``trace_id``, ``step`` and
``language``. The most recent lines are also kept in memory so that the host's
JSON API can answer "what happened in trace X" (``/_stephost/traces/{id}``).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

import orjson
import structlog

LEVELS = {"debug": 10, "info": 20, "warn": 30, "warning": 30, "error": 40}
RECENT_LOG_LINES = 20_000
RECENT_SPANS = 20_000


def new_trace_id() -> str:
    return os.urandom(16).hex()


def new_span_id() -> str:
    return os.urandom(8).hex()


def make_traceparent(trace_id: str, span_id: str) -> str:
    return f"00-{trace_id}-{span_id}-01"


def parse_traceparent(value: str | None) -> tuple[str, str] | None:
    """(trace id, parent span id) of a valid W3C traceparent, else None."""
    if not value:
        return None
    parts = value.strip().split("-")
    if len(parts) != 4 or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    trace_id, span_id = parts[1].lower(), parts[2].lower()
    try:
        int(trace_id, 16)
        int(span_id, 16)
    except ValueError:
        return None
    if trace_id == "0" * 32 or span_id == "0" * 16:
        return None
    return trace_id, span_id


class RecentLogs:
    """The last N log lines, searchable by trace id; also a structlog processor.

    Lines are numbered from 1 as they come (``total`` is the last number), so a reader
    can ask for what came after the last line it saw (``stephost logs --follow``).
    """

    def __init__(self, size: int = RECENT_LOG_LINES) -> None:
        self.lines: deque[dict[str, Any]] = deque(maxlen=size)
        self.total = 0

    def __call__(self, _logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
        self.lines.append(dict(event))
        self.total += 1
        return event

    def for_trace(self, trace_id: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line.get("trace_id") == trace_id]

    def after(self, seq: int) -> list[tuple[int, dict[str, Any]]]:
        """The kept lines numbered above ``seq``, with their numbers, oldest first."""
        first = self.total - len(self.lines) + 1
        skip = max(0, seq - first + 1)
        return [(first + i, line) for i, line in enumerate(self.lines) if i >= skip]


@dataclass(slots=True)
class Span:
    """One hop of a trace, recorded by the host for every invocation."""

    trace_id: str
    span_id: str
    parent_id: str
    name: str
    step: str
    language: str
    kind: str
    start_unix_ms: float
    duration_ms: float = 0.0
    status: str = "ok"
    attributes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "traceId": self.trace_id,
            "spanId": self.span_id,
            "parentId": self.parent_id,
            "name": self.name,
            "step": self.step,
            "language": self.language,
            "kind": self.kind,
            "startUnixMs": self.start_unix_ms,
            "durationMs": round(self.duration_ms, 3),
            "status": self.status,
            "attributes": self.attributes,
        }


class SpanSink(Protocol):
    """Where spans go besides memory (``host.otel.OtelSink``)."""

    def export(self, span: Span) -> None: ...

    def shutdown(self) -> None: ...


class SpanRecorder:
    """The last N spans, searchable by trace id; forwarded to a sink when one is set."""

    def __init__(self, size: int = RECENT_SPANS) -> None:
        self.spans: deque[Span] = deque(maxlen=size)
        self.sink: SpanSink | None = None

    def record(self, span: Span) -> None:
        self.spans.append(span)
        if self.sink is not None:
            self.sink.export(span)

    def for_trace(self, trace_id: str) -> list[Span]:
        return [s for s in self.spans if s.trace_id == trace_id]


recent_logs = RecentLogs()
spans = SpanRecorder()


def _orjson_dumps(event: dict[str, Any], **_kw: Any) -> bytes:
    return orjson.dumps(event, default=str)


def configure_logging(level: str = "info", fmt: str = "auto", stream: TextIO | None = None) -> None:
    """Set up structlog for the host process (call once, early)."""
    out = stream or sys.stdout
    console = fmt == "console" or (fmt == "auto" and out.isatty())
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        recent_logs,
    ]
    if console:
        processors.append(lift_stacks)
        processors.append(structlog.dev.ConsoleRenderer(colors=True))
        factory: Any = structlog.PrintLoggerFactory(out)
    else:
        processors.append(structlog.processors.JSONRenderer(serializer=_orjson_dumps))
        binary: Any = getattr(out, "buffer", None) or out
        factory = structlog.BytesLoggerFactory(binary)
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(LEVELS.get(level.lower(), 20)),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
    # Libraries that log through stdlib logging (uvicorn, grpc) go to the same stream.
    logging.basicConfig(level=max(LEVELS.get(level.lower(), 20), 30), stream=out, force=True)


def _stacks(value: dict[str, Any], where: str) -> tuple[dict[str, Any], list[str]]:
    """``value`` without its ``stack`` (and its causes'), and those stacks as text."""
    stack = value.get("stack")
    if not isinstance(stack, str) or not stack:
        return value, []
    trimmed = {k: v for k, v in value.items() if k != "stack"}
    texts = [stack if not where else f"{where}:\n{stack}"]
    cause = trimmed.get("cause")
    if isinstance(cause, dict):
        trimmed["cause"], more = _stacks(cause, "caused by")
        texts += more
    return trimmed, texts


def lift_stacks(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """For a terminal: stacks (a line's ``stack``, or an ``error``'s, causes included)
    print below the line, as the multi-line text they are, instead of inside a repr."""
    texts: list[str] = []
    out = dict(event)
    for key, value in event.items():
        if key == "stack" and isinstance(value, str) and value:
            texts.append(value)
            del out[key]
        elif isinstance(value, dict):
            out[key], found = _stacks(value, "")
            texts += found
    if texts:
        previous = out.get("exception")
        out["exception"] = "\n".join([previous, *texts] if isinstance(previous, str) else texts)
    return out


def get_logger(**bound: Any) -> Any:
    return structlog.get_logger(**bound)


def now_ms() -> float:
    return time.time() * 1000
