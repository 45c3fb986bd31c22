"""The shapes of the admin JSON API, as pydantic models, for its OpenAPI description.

The Workbench's TypeScript types are generated from that description
(``host/workbench/ui/scripts/gen-api.mjs``), so every call the front end makes is
checked by ``tsc`` against what the host serves; ``tests/integration/test_admin_openapi.py``
checks real responses against the same description. Field names are the wire's
(camelCase). The endpoints' code builds its JSON directly (orjson); these models
describe it and are never on the request path.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..http.bounds import MAX_DELAY_MS, MAX_IDS, MAX_NAME, Priority
from ..model import Failure

JsonValue = Any


class Model(BaseModel):
    pass


# A failure as it crossed the boundary (the wire's StepError), described by the value
# the host keeps it in.
ErrorInfo = Failure


class ErrorBody(Model):
    error: ErrorInfo


class Step(Model):
    name: str
    type: Literal["api", "event", "cron", "noop", "auth"]
    language: str
    file: str
    flows: list[str]
    emits: list[str]
    config: dict[str, Any]
    method: str | None = None
    path: str | None = None
    subscribes: list[str] | None = None
    cron: str | None = None


class LoadProblem(Model):
    file: str
    language: str
    error: ErrorInfo


class Steps(Model):
    steps: list[Step]
    problems: list[LoadProblem]
    warnings: list[str]
    unavailable: list[str] = []  # steps whose runtime group has no runtime now


class RuntimeGroup(Model):
    """Interchangeable runtime processes serving the same step files."""

    name: str
    language: str
    connections: int
    available: bool
    steps: list[str]


class Runtime(Model):
    id: str
    language: str
    group: str = ""  # see RuntimeGroup
    pid: int
    version: str
    steps: list[str]
    inFlight: int
    capacity: int
    draining: bool
    connectedAt: float
    where: str  # "local", or a remote runtime's "<name> at <address>"


class Health(Model):
    status: str
    version: str
    project: str
    uptimeS: float
    runtimes: list[Runtime]
    groups: list[RuntimeGroup] = []
    steps: int
    unavailable: list[str] = []
    problems: list[LoadProblem]


class StateGroups(Model):
    groups: list[str]


class StateItem(Model):
    key: str
    value: JsonValue
    group: str | None = None


class StateList(Model):
    group: str
    items: list[StateItem]
    next: str | None = Field(
        None,
        description="with `limit`: the last key of this page when more follow (pass it "
        "as `after`), else null",
    )


class StateCleared(Model):
    group: str
    deleted: int


class EmitRequest(Model):
    """POST /_stephost/emit"""

    topic: str = Field(min_length=1, max_length=MAX_NAME)
    data: JsonValue = None
    groupId: str = Field(default="", max_length=MAX_NAME)
    idempotencyKey: str = Field(default="", max_length=MAX_NAME)
    delayMs: int = Field(default=0, ge=0, le=MAX_DELAY_MS, description="at most 30 days")
    priority: Priority = None


class EmitResult(Model):
    messageId: str
    duplicate: bool
    subscribers: list[str]
    traceId: str


class DeadLetter(Model):
    id: str
    messageId: str
    step: str
    topic: str
    data: JsonValue
    traceId: str
    attempts: int
    error: ErrorInfo
    createdMs: int
    deadMs: int


class DeadLetters(Model):
    items: list[DeadLetter]


class Replayed(Model):
    id: str
    step: str
    replayed: bool


class StepStats(Model):
    ready: int = 0
    delayed: int = 0
    leased: int = 0
    dead: int = 0
    inFlight: int = 0
    handled: int = 0
    failed: int = 0


class Stats(Model):
    idle: bool
    steps: dict[str, StepStats]


class Idle(Model):
    idle: bool


class Message(Model):
    messageId: str
    topic: str
    data: JsonValue
    traceId: str
    emittedBy: str
    timeMs: float
    priority: int | None = None


class Messages(Model):
    items: list[Message]


class SpanModel(Model):
    traceId: str
    spanId: str
    parentId: str
    name: str
    step: str
    language: str
    kind: str = Field(description="api, event, cron; or emit, state, stream for host calls")
    startUnixMs: float
    durationMs: float
    status: Literal["ok", "error"]
    attributes: dict[str, Any]
    error: ErrorInfo | None = None


class LogLine(Model):
    """One structured log line; every other field of the line is kept as it was logged."""

    model_config = ConfigDict(extra="allow")

    event: str
    level: str
    timestamp: str
    trace_id: str | None = None
    span_id: str | None = None
    step: str | None = None
    language: str | None = None


class Trace(Model):
    traceId: str
    spans: list[SpanModel]
    logs: list[LogLine]


class NumberedLogLine(LogLine):
    seq: int = Field(description="the line's number, counted from 1 since the host started")


class Logs(Model):
    items: list[NumberedLogLine]
    last: int = Field(
        description="the newest line's number: as `after`, it asks for only newer lines"
    )


class StreamItem(Model):
    id: str
    value: JsonValue


class StreamItems(Model):
    items: list[StreamItem]


# -- the Workbench's own endpoints ------------------------------------------------


class TraceSummary(Model):
    traceId: str
    entryStep: str
    entryName: str
    status: Literal["ok", "error"]
    startUnixMs: float
    durationMs: float
    languages: list[str]
    steps: list[str]
    spanCount: int


class TraceList(Model):
    items: list[TraceSummary]


class Invocations(Model):
    items: list[SpanModel]


class ContractType(Model):
    name: str
    schema_: dict[str, Any] = Field(alias="schema")
    file: str


class StepCounters(Model):
    handled: int
    failed: int
    inFlight: int
    queued: int
    dead: int


class Counters(Model):
    steps: dict[str, StepCounters]
    idle: bool


class ReplayRequest(Model):
    ids: list[Annotated[str, Field(max_length=MAX_NAME)]] = Field(
        default_factory=list, max_length=MAX_IDS
    )
    step: str | None = Field(default=None, max_length=MAX_NAME)


class BulkReplayed(Model):
    replayed: list[str]
    missing: list[str]


class EditedReplay(Model):
    data: JsonValue


class CronJob(Model):
    step: str
    cron: str
    language: str
    paused: bool
    nextRunMs: float | None
    lastTickMs: int | None
    lastRun: SpanModel | None


class CronJobs(Model):
    items: list[CronJob]


class CronRun(Model):
    step: str
    messageId: str
    traceId: str


class RuntimeDetail(Model):
    id: str
    language: str
    pid: int
    version: str
    uptimeS: float
    inFlight: int
    capacity: int
    draining: bool
    rssBytes: int | None
    restarts: int
    steps: list[str]
    where: str  # "local", or a remote runtime's "<name> at <address>"


class Runtimes(Model):
    items: list[RuntimeDetail]
    restarts: dict[str, int]


class StreamGroup(Model):
    stream: str
    group: str
    count: int


class StreamGroups(Model):
    items: list[StreamGroup]


class Position(Model):
    x: float = Field(ge=-1e9, le=1e9)
    y: float = Field(ge=-1e9, le=1e9)


class Layout(Model):
    """Where the user dragged nodes, per flow (``*`` is the view of every step)."""

    flows: dict[str, dict[str, Position]]


class SendRequest(Model):
    method: str = Field(min_length=1, max_length=16)
    path: str = Field(min_length=1, max_length=8192, pattern=r"^/")
    query: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None


class SendResult(Model):
    status: int
    durationMs: float
    headers: dict[str, str]
    body: str
    traceId: str


class StateSearch(Model):
    items: list[StateItem]
    truncated: bool


class TelemetryStore(Model):
    spans: int
    traces: int
    logs: int
    maxSpans: int
    maxLogs: int
    maxAgeS: float
    messages: int = Field(description="emitted messages kept (GET /_stephost/messages)")
    maxMessages: int
    messageBytes: int = Field(description="the bytes of their data (at most 32 MiB)")


class Caller(Model):
    """GET /_stephost/whoami: the role of the caller's token, and whether the admin
    listener needs tokens at all (without them, everyone is an admin)."""

    role: Literal["viewer", "operator", "admin"]
    authRequired: bool
    tokenId: str = Field(default="", description="the token's id (`stephost token list`)")
    tokenName: str = Field(default="", description="the note it was made with (--name)")


class LiveLogFilter(Model):
    """Sent by a client of the live log tail to choose what it gets (all optional)."""

    level: Literal["debug", "info", "warn", "error"] = "debug"
    step: str = Field(default="", max_length=MAX_NAME)
    trace: str = Field(default="", max_length=MAX_NAME)
    text: str = Field(default="", max_length=MAX_NAME)


class LiveLogBatch(Model):
    """Sent by the live log tail: the lines since the last batch that pass the filter."""

    type: Literal["lines"]
    reset: bool = Field(description="true: these lines replace what the client shows")
    lines: list[LogLine]
    skipped: int = Field(description="lines that passed the filter but were not sent (load)")


class LiveCounters(Model):
    """Sent by the live counters feed whenever a counter changed (at most once a second)."""

    type: Literal["counters"]
    steps: dict[str, StepCounters]
    idle: bool


# Messages that travel over the WebSocket feeds: described in the OpenAPI components so
# the front end's types come from the same place.
FEED_MESSAGES: tuple[type[BaseModel], ...] = (LiveLogFilter, LiveLogBatch, LiveCounters)
