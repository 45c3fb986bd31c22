"""Every step's config, as the runtimes report it, checked once for all languages.

Runtimes send configs as JSON; ``parse_step`` turns one into a ``StepConfig`` or
says exactly what is wrong with it. ``Catalog`` indexes the steps by name,
topic, route and schedule, and keeps the per-file load problems.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from croniter import croniter

from . import motia
from .contracts import Contracts
from .model import Failure
from .schemas import PayloadCheck, SchemaProblem, compile_schema

STEP_TYPES = ("api", "event", "cron", "noop")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_MS = 1000
DEFAULT_TIMEOUT_MS = 30_000
DEFAULT_EVENT_CONCURRENCY = 100
_PARAM = re.compile(r"^(?::([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$")


class ConfigError(Exception):
    """A step config that cannot be served; the message names the field."""


@dataclass(frozen=True, slots=True)
class PathSegment:
    """A literal path segment, or a parameter when ``param`` is set."""

    text: str
    param: bool = False


@dataclass(frozen=True, slots=True)
class StepConfig:
    """One step, validated. ``raw`` is the config exactly as the runtime sent it."""

    name: str
    type: str
    language: str
    file: str
    raw: dict[str, Any]
    description: str = ""
    flows: tuple[str, ...] = ()
    emits: frozenset[str] = frozenset()
    subscribes: tuple[str, ...] = ()
    method: str = ""
    path: tuple[PathSegment, ...] = ()
    body_schema: PayloadCheck | None = None
    input_schema: PayloadCheck | None = None
    emit_checks: dict[str, PayloadCheck] = field(default_factory=dict)
    cron: str = ""
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_ms: int = DEFAULT_BACKOFF_MS
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    concurrency: int = 0
    delay_ms: int = 0  # each message waits this long before it is delivered to the step

    @property
    def route(self) -> str:
        """The path as OpenAPI writes it: ``/orders/{id}``."""
        return "/" + "/".join(f"{{{s.text}}}" if s.param else s.text for s in self.path)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "language": self.language,
            "file": self.file,
            "flows": list(self.flows),
            "emits": sorted(self.emits),
            "config": self.raw,
        }
        if self.type == "api":
            out["method"] = self.method
            out["path"] = self.route
        if self.subscribes:
            out["subscribes"] = list(self.subscribes)
        if self.cron:
            out["cron"] = self.cron
        out["settings"] = {"timeoutMs": self.timeout_ms, "concurrency": self.concurrency}
        if self.type in ("event", "cron"):
            out["settings"] = {
                "maxAttempts": self.max_attempts,
                "backoffMs": self.backoff_ms,
                **out["settings"],
                "delayMs": self.delay_ms,
            }
        return out


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A step file (or config) that could not be served, and why."""

    file: str
    language: str
    failure: Failure

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "language": self.language, "error": self.failure.to_json()}


def parse_path(path: Any) -> tuple[PathSegment, ...]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise ConfigError(f"`path` must be a string starting with '/', got {path!r}")
    segments = []
    names = set()
    for part in path.strip("/").split("/") if path.strip("/") else []:
        if not part:
            raise ConfigError(f"`path` {path!r} has an empty segment")
        match = _PARAM.match(part)
        if match:
            name = match.group(1) or match.group(2)
            if name in names:
                raise ConfigError(f"`path` {path!r} names the parameter {name!r} twice")
            names.add(name)
            segments.append(PathSegment(name, param=True))
        elif any(c in part for c in ":{}"):
            raise ConfigError(
                f"`path` segment {part!r} is neither literal nor a :param / {{param}} parameter"
            )
        else:
            segments.append(PathSegment(part))
    return tuple(segments)


def valid_cron(expression: Any) -> str:
    if not isinstance(expression, str):
        raise ConfigError(f"`cron` must be a string, got {expression!r}")
    fields = expression.split()
    if len(fields) not in (5, 6):
        raise ConfigError(
            f"`cron` {expression!r} must have 5 fields (minute hour day month weekday) "
            "or 6 (second first)"
        )
    if not croniter.is_valid(expression, second_at_beginning=len(fields) == 6):
        raise ConfigError(f"`cron` {expression!r} is not a valid cron expression")
    return expression


def _str_list(raw: dict[str, Any], key: str, *, required: bool = False) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        if required:
            raise ConfigError(f"`{key}` is required for {raw.get('type')} steps")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"`{key}` must be a list of non-empty strings, got {value!r}")
    if required and not value:
        raise ConfigError(f"`{key}` must name at least one topic")
    return tuple(value)


def _emits(
    raw: dict[str, Any], contracts: Contracts
) -> tuple[frozenset[str], dict[str, PayloadCheck]]:
    """The topics a step may emit, and the payload check of those that declare one."""
    value = raw.get("emits") or []
    if not isinstance(value, list):
        raise ConfigError(f"`emits` must be a list, got {value!r}")
    topics = set()
    checks: dict[str, PayloadCheck] = {}
    for entry in value:
        if isinstance(entry, str) and entry:
            topics.add(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("topic"), str) and entry["topic"]:
            topics.add(entry["topic"])
            for key in ("type", "schema"):
                where = f"`emits` entry {entry['topic']!r}: `{key}`"
                check = _check(entry, key, contracts, where)
                if check is not None:
                    checks[entry["topic"]] = check
        else:
            raise ConfigError(
                f"each `emits` entry must be a topic or {{topic: ...}}, got {entry!r}"
            )
    return frozenset(topics), checks


def _positive_int(raw: dict[str, Any], key: str, default: int, minimum: int = 1) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ConfigError(f"`{key}` must be {kind}, got {value!r}")
    return value


def _check(
    raw: dict[str, Any], key: str, contracts: Contracts, where: str | None = None
) -> PayloadCheck | None:
    """A JSON Schema (an object) or a message type of the project's contracts (a name)."""
    value = raw.get(key)
    where = where or f"`{key}`"
    if isinstance(value, str):
        if contracts.find(value) is None:
            raise ConfigError(
                f"{where} names the message type {value!r}, which no .proto file under "
                "contracts/ declares"
            )
        return contracts.check(value)
    try:
        return compile_schema(value)
    except SchemaProblem as exc:
        raise ConfigError(f"{where}: {exc}") from None


def parse_step(
    raw: Any, *, language: str, file: str, contracts: Contracts | None = None
) -> StepConfig:
    """Check one config; raises ConfigError naming the first problem."""
    contracts = contracts or Contracts()
    if not isinstance(raw, dict):
        raise ConfigError(f"config must be an object, got {type(raw).__name__}")
    # A Motia step's `infrastructure` sets defaults for the native keys; `raw` stays as sent.
    settings = {**motia.native_settings(raw), **raw}
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError("`name` must be a non-empty string")
    step_type = raw.get("type")
    if step_type not in STEP_TYPES:
        raise ConfigError(f"`type` must be one of {', '.join(STEP_TYPES)}, got {step_type!r}")
    flows = raw.get("flows") or []
    if not isinstance(flows, list) or not all(isinstance(f, str) for f in flows):
        raise ConfigError(f"`flows` must be a list of strings, got {flows!r}")
    emits, emit_checks = _emits(raw, contracts)
    common: dict[str, Any] = {
        "emits": emits,
        "emit_checks": emit_checks,
        "name": name,
        "type": step_type,
        "language": language,
        "file": file,
        "raw": raw,
        "description": str(raw.get("description") or ""),
        "flows": tuple(flows),
        "timeout_ms": _positive_int(settings, "timeoutMs", DEFAULT_TIMEOUT_MS),
    }
    if step_type == "api":
        method = raw.get("method")
        if not isinstance(method, str) or method.upper() not in HTTP_METHODS:
            raise ConfigError(f"`method` must be one of {', '.join(HTTP_METHODS)}, got {method!r}")
        return StepConfig(
            **common,
            method=method.upper(),
            path=parse_path(raw.get("path")),
            body_schema=_check(raw, "bodySchema", contracts),
            concurrency=_positive_int(raw, "concurrency", 1) if "concurrency" in raw else 0,
        )
    if step_type == "noop":
        return StepConfig(**common, subscribes=_str_list(raw, "subscribes"))
    retry: dict[str, Any] = {
        "max_attempts": _positive_int(settings, "maxAttempts", DEFAULT_MAX_ATTEMPTS),
        "backoff_ms": _positive_int(settings, "backoffMs", DEFAULT_BACKOFF_MS),
        "concurrency": _positive_int(settings, "concurrency", DEFAULT_EVENT_CONCURRENCY),
    }
    if step_type == "event":
        return StepConfig(
            **common,
            **retry,
            delay_ms=_positive_int(settings, "delayMs", 0, minimum=0),
            subscribes=_str_list(raw, "subscribes", required=True),
            input_schema=_check(raw, "input", contracts),
        )
    return StepConfig(**common, **retry, cron=valid_cron(raw.get("cron")))


@dataclass(frozen=True, slots=True)
class StepReport:
    """One step definition as a runtime announced it (still unchecked)."""

    language: str
    file: str
    name: str
    config: Any


@dataclass(frozen=True, slots=True)
class StreamReport:
    """One stream as a stream file declares it: ``{name, schema, ...}`` as JSON."""

    language: str
    file: str
    name: str
    config: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "language": self.language,
            "schema": self.config.get("schema"),
        }


@dataclass
class Catalog:
    """Every servable step, indexed; plus what could not be served."""

    steps: dict[str, StepConfig] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    by_topic: dict[str, tuple[StepConfig, ...]] = field(default_factory=dict)
    # Per topic whose subscribers wait before delivery (``delayMs``): each one's wait, in
    # the order of ``by_topic``.
    delays: dict[str, tuple[int, ...]] = field(default_factory=dict)
    streams: dict[str, StreamReport] = field(default_factory=dict)
    notes: list[motia.Note] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        reports: list[StepReport],
        problems: list[LoadProblem],
        contracts: Contracts | None = None,
        streams: list[StreamReport] | None = None,
    ) -> Catalog:
        catalog = cls(problems=list(problems))
        catalog._add_streams(streams or [])
        for report in reports:
            if isinstance(report.config, dict):
                catalog.notes.extend(motia.infrastructure_notes(report.config, report.file))
            try:
                step = parse_step(
                    report.config, language=report.language, file=report.file, contracts=contracts
                )
            except ConfigError as exc:
                catalog.problems.append(
                    LoadProblem(
                        report.file,
                        report.language,
                        Failure(
                            code="BAD_CONFIG",
                            message=f"{report.file}: {exc}",
                            type="ConfigError",
                            language="host",
                            step=report.name,
                            retryable=False,
                        ),
                    )
                )
                continue
            other = catalog.steps.get(step.name)
            if other is not None:
                catalog.duplicates.append((step.name, other.file, step.file))
                catalog.problems.append(
                    LoadProblem(
                        step.file,
                        step.language,
                        Failure(
                            code="DUPLICATE_STEP",
                            message=(
                                f"step name {step.name!r} is declared by both {other.file} "
                                f"and {step.file}"
                            ),
                            type="ConfigError",
                            language="host",
                            step=step.name,
                            retryable=False,
                        ),
                    )
                )
                continue
            catalog.steps[step.name] = step
        topics: dict[str, list[StepConfig]] = defaultdict(list)
        for step in catalog.steps.values():
            if step.type == "event":
                for topic in step.subscribes:
                    topics[topic].append(step)
        catalog.by_topic = {t: tuple(s) for t, s in topics.items()}
        catalog.delays = {
            t: tuple(s.delay_ms for s in steps)
            for t, steps in catalog.by_topic.items()
            if any(s.delay_ms for s in steps)
        }
        return catalog

    def _add_streams(self, streams: list[StreamReport]) -> None:
        for stream in streams:
            other = self.streams.get(stream.name)
            if other is not None:
                self.problems.append(
                    LoadProblem(
                        stream.file,
                        stream.language,
                        Failure(
                            code="DUPLICATE_STREAM",
                            message=f"stream {stream.name!r} is declared by both {other.file} "
                            f"and {stream.file}",
                            type="ConfigError",
                            language="host",
                            retryable=False,
                        ),
                    )
                )
                continue
            self.streams[stream.name] = stream
            self.notes.extend(motia.stream_notes(stream.config, stream.file))

    def subscribers(self, topic: str) -> tuple[StepConfig, ...]:
        return self.by_topic.get(topic, ())

    def of_type(self, step_type: str) -> list[StepConfig]:
        return [s for s in self.steps.values() if s.type == step_type]

    def warnings(self) -> list[str]:
        """Things that work but are probably mistakes, or settings that cannot be honoured."""
        return [note.text() for note in self.notes] + self.topic_warnings()

    def topic_warnings(self) -> list[str]:
        """Subscriptions to topics that no step emits (or declares in ``virtualEmits``, as a
        Motia flow drawing does for messages from outside)."""
        emitted = {t for s in self.steps.values() for t in s.emits}
        emitted |= {t for s in self.steps.values() for t in motia.virtual_emits(s.raw)}
        out = []
        for topic, steps in sorted(self.by_topic.items()):
            if topic not in emitted:
                names = ", ".join(s.name for s in steps)
                out.append(f"topic {topic!r} (subscribed by {names}) is emitted by no step")
        return out
