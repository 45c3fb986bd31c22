"""Structured logs (structlog) and trace ids, in one place.

Logs are JSON lines when stdout is not a terminal and readable lines when it
is. Every line an invocation causes carries ``trace_id``, ``step`` and
``language``. The most recent lines are also kept in memory so that the host's
JSON API can answer "what happened in trace X" (``/_stephost/traces/{id}``), and
the spans the host records, grouped by trace: both bounded by count and by age
(settings ``retention``), so memory never grows with uptime.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import logging
import os
import random
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol, TextIO

import orjson

# structlog imports Rich, when it is installed (typer brings it), for the tracebacks of
# its console renderer: a fifth of the host's imports before it can launch the runtimes,
# and ~6 MB. The host prints stacks itself (``lift_stacks``), so structlog is imported
# as if Rich were absent; Rich stays importable for anything else.
_hide_rich = "rich" not in sys.modules
if _hide_rich:
    sys.modules["rich"] = None  # type: ignore[assignment]
try:
    import structlog
finally:
    if _hide_rich:
        del sys.modules["rich"]

LEVELS = {"debug": 10, "info": 20, "warn": 30, "warning": 30, "error": 40}
# Default bounds of the in-memory store the Workbench reads (settings `retention`).
RECENT_LOG_LINES = 20_000
RECENT_SPANS = 20_000
RETENTION_AGE_S = 3600.0


# Trace, span and message ids need to be unique, not secret: a seeded PRNG instead of a
# system call per id (OpenTelemetry's SDK makes the same choice).
_ids = random.Random(os.urandom(16))


def random_hex(bits: int) -> str:
    """``bits`` bits from the seeded PRNG, as hex."""
    return f"{_ids.getrandbits(bits):0{bits // 4}x}"


def new_trace_id() -> str:
    return f"{_ids.getrandbits(128) or 1:032x}"


def new_span_id() -> str:
    return f"{_ids.getrandbits(64) or 1:016x}"


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


def exact_copy(encoded: bytes) -> bytes:
    """A copy of what orjson returned, for keeping: its bytes hold a 4 KiB allocation
    whatever their length (a kept line of 300 bytes cost 4 KiB)."""
    return memoryview(encoded).tobytes()


class RecentLogs:
    """The most recent log lines, bounded by count and age.

    A line is kept as the JSON it is written as (``keep``, the renderer of JSON output;
    the instance itself is the processor that keeps lines for console output): about
    two thirds of the memory of a dict per line, and JSON output renders a line once.
    Readers get dicts.

    Lines are numbered from 1 as they come (``total`` is the last number), so a reader
    can ask for what came after the last line it saw (``stephost logs --follow``).

    Listeners (the Workbench's live tail) get every line, as a dict, as it is logged.
    """

    def __init__(
        self,
        size: int = RECENT_LOG_LINES,
        max_age_s: float = RETENTION_AGE_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lines: deque[bytes] = deque(maxlen=size)
        self._times: deque[float] = deque(maxlen=size)
        self.max_age_s = max_age_s
        self._clock = clock
        self.total = 0
        self.listeners: list[Callable[[dict[str, Any]], None]] = []

    def configure(self, size: int, max_age_s: float) -> None:
        """Change the bounds, keeping the newest lines that fit."""
        self.lines = deque(self.lines, maxlen=size)
        self._times = deque(self._times, maxlen=size)
        self.max_age_s = max_age_s
        self._expire()

    def keep(self, _logger: Any, _method: str, event: dict[str, Any]) -> bytes:
        """Keep the line; its JSON is returned (the renderer of JSON output)."""
        encoded = orjson.dumps(event, default=str)
        self.lines.append(exact_copy(encoded))
        self._times.append(self._clock())
        self.total += 1
        if not self.total & 255:  # the age bound is kept every 256 lines (and on reads)
            self._expire()
        for listener in self.listeners:
            listener(event)
        return encoded

    def __call__(self, logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
        self.keep(logger, method, event)
        return event

    def __len__(self) -> int:
        self._expire()
        return len(self.lines)

    def _expire(self) -> None:
        horizon = self._clock() - self.max_age_s
        times, lines = self._times, self.lines
        while times and times[0] < horizon:
            times.popleft()
            lines.popleft()

    def recent(self) -> list[dict[str, Any]]:
        """Every kept line, oldest first."""
        self._expire()
        return [orjson.loads(line) for line in self.lines]

    def for_trace(self, trace_id: str) -> list[dict[str, Any]]:
        self._expire()
        needle = orjson.dumps(trace_id)  # only lines holding it are read
        found = (orjson.loads(line) for line in self.lines if needle in line)
        return [line for line in found if line.get("trace_id") == trace_id]

    def after(self, seq: int) -> list[tuple[int, dict[str, Any]]]:
        """The kept lines numbered above ``seq``, with their numbers, oldest first."""
        self._expire()
        first = self.total - len(self.lines) + 1
        skip = max(0, seq - first + 1)
        kept = itertools.islice(self.lines, skip, None)
        return [(first + skip + i, orjson.loads(line)) for i, line in enumerate(kept)]


@dataclass(slots=True)
class Span:
    """One hop of a trace, recorded by the host for every invocation, and one for each
    call a handler makes into the host (emit, state, streams) as a child of it."""

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
    error: dict[str, Any] | None = None  # the failure (code, message, stack...) when it failed

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
            "error": self.error,
        }


class SpanSink(Protocol):
    """Where spans go besides memory (``host.otel.OtelSink``)."""

    def export(self, span: Span) -> None: ...

    def shutdown(self) -> None: ...


class SpanRecorder:
    """Recent spans grouped by trace, bounded by count (spans) and age (traces).

    When a span beyond the count arrives, the oldest whole traces go; a trace first
    seen longer ago than the age goes too. Spans are forwarded to a sink (OTLP) when
    one is set, and to listeners (metrics).
    """

    def __init__(
        self,
        size: int = RECENT_SPANS,
        max_age_s: float = RETENTION_AGE_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_spans = size
        self.max_age_s = max_age_s
        self._clock = clock
        self._traces: OrderedDict[str, list[Span]] = OrderedDict()
        self._first_seen: dict[str, float] = {}
        self._count = 0
        self._recorded = 0
        self.sink: SpanSink | None = None
        self.listeners: list[Callable[[Span], None]] = []

    def configure(self, size: int, max_age_s: float) -> None:
        self.max_spans = size
        self.max_age_s = max_age_s
        self._expire()

    def __len__(self) -> int:
        return self._count

    @property
    def trace_count(self) -> int:
        return len(self._traces)

    def record(self, span: Span) -> None:
        trace = self._traces.get(span.trace_id)
        if trace is None:
            trace = self._traces[span.trace_id] = []
            self._first_seen[span.trace_id] = self._clock()
        trace.append(span)
        self._count += 1
        self._recorded += 1
        if self._count > self.max_spans or not self._recorded & 255:
            self._expire()
        for listener in self.listeners:
            listener(span)
        if self.sink is not None:
            self.sink.export(span)

    def _expire(self) -> None:
        horizon = self._clock() - self.max_age_s
        traces = self._traces
        while traces:
            oldest = next(iter(traces))
            too_old = self._first_seen[oldest] < horizon
            if not too_old and self._count <= self.max_spans:
                return
            if not too_old and len(traces) == 1:  # one trace larger than the bound
                # Its oldest spans go a sixteenth of the bound at a time: one at a time,
                # each span of a long trace (a burst's) moved all the others.
                spans = traces[oldest]
                excess = max(self._count - self.max_spans, self.max_spans // 16)
                del spans[:excess]
                self._count -= excess
                return
            self._count -= len(traces.pop(oldest))
            del self._first_seen[oldest]

    def for_trace(self, trace_id: str) -> list[Span]:
        self._expire()
        return list(self._traces.get(trace_id, ()))

    def traces(self) -> list[tuple[str, list[Span]]]:
        """Every kept trace with its spans, newest first."""
        self._expire()
        return [(trace_id, list(spans)) for trace_id, spans in reversed(self._traces.items())]


recent_logs = RecentLogs()
spans = SpanRecorder()


class LineWriter:
    """The host's JSON log output: the lines logged during one turn of the event loop
    are written together (one write for a burst), at the end of that turn; with no loop
    running, at once. What is still buffered at exit is written then."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._lines: list[bytes] = []
        self._lock = threading.Lock()  # a library may log from a thread of its own
        atexit.register(self.flush)

    def msg(self, line: bytes) -> None:
        with self._lock:
            self._lines.append(line)
            if len(self._lines) > 1:
                return  # a flush is due already
        try:
            asyncio.get_running_loop().call_soon(self.flush)
        except RuntimeError:
            self.flush()

    debug = info = warning = warn = error = critical = exception = fatal = failure = err = msg

    def flush(self) -> None:
        """Write the buffered lines; an output closed meanwhile takes none (a test's
        stream, closed before a flush due on the loop ran), rather than raise."""
        with self._lock:
            lines, self._lines = self._lines, []
        if lines and not self._out.closed:
            lines.append(b"")
            self._out.write(b"\n".join(lines))
            self._out.flush()


_second: tuple[int, str] = (0, "")


def stamp(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """``timestamp``: ISO 8601 in UTC with microseconds (2026-12-03T07:41:10.287580Z),
    the date and time formatted once a second: structlog's TimeStamper made a datetime
    and an isoformat for every line, a sixth of a line's cost."""
    global _second
    now = time.time()
    second = int(now)
    if second != _second[0]:
        _second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
    event["timestamp"] = f"{_second[1]}.{int((now - second) * 1_000_000):06d}Z"
    return event


_min_level = LEVELS["info"]


def level_enabled(level: str) -> bool:
    """Whether a line at ``level`` (debug, info, warn(ing), error) would be written."""
    return LEVELS.get(level, 20) >= _min_level


def configure_logging(level: str = "info", fmt: str = "auto", stream: TextIO | None = None) -> None:
    """Set up structlog for the host process (call once, early)."""
    global _min_level
    _min_level = LEVELS.get(level.lower(), 20)
    out = stream or sys.stdout
    console = fmt == "console" or (fmt == "auto" and out.isatty())
    processors: list[Any] = [structlog.processors.add_log_level, stamp]
    if console:
        processors += [recent_logs, lift_stacks, structlog.dev.ConsoleRenderer(colors=True)]
        factory: Any = structlog.PrintLoggerFactory(out)
    else:
        # log.exception's traceback as text in the line (a terminal's renderer does its own)
        processors.append(structlog.processors.format_exc_info)
        processors.append(recent_logs.keep)  # keeps the line and renders it, once
        binary: Any = getattr(out, "buffer", None) or out
        writer = LineWriter(binary)
        factory = lambda *_args: writer  # noqa: E731
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(_min_level),
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
