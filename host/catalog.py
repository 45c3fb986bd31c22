"""Every step's config, as the runtimes report it, checked once for all languages.

Runtimes send configs as JSON; ``parse_step`` turns one into a ``StepConfig`` or
says exactly what is wrong with it. ``Catalog`` indexes the steps by name,
topic, route and schedule, and keeps the per-file load problems.

Which keys a config may have is the table ``CONFIG_KEYS`` (one line per key). A key
outside it is probably a typo: a warning with a "did you mean", or under ``strict``
(``--strict``) a load problem.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from . import motia
from .auth.config import AuthConfigError, AuthSpec, StepAuth, parse_auth
from .contracts import Contracts
from .model import Failure, Limits, RuntimeInfo
from .schemas import PayloadCheck, SchemaProblem, compile_schema

STEP_TYPES = ("api", "event", "cron", "noop", "auth")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_MS = 1000
DEFAULT_TIMEOUT_MS = 30_000
DEFAULT_EVENT_CONCURRENCY = 100
# A message's priority for a subscriber: higher is leased first (see host/bus/base.py).
MIN_PRIORITY, MAX_PRIORITY, DEFAULT_PRIORITY = 0, 9, 0
# Below this, no runtime starts at all (Node needs ~40 MB of data before a step loads).
MIN_MEMORY_MB = 64
_ALL = STEP_TYPES
_RUN = ("api", "event", "cron", "auth")  # the step types with a handler
# Every key a step config may have, and the step types that take it. A new key is one
# line here (the parsing below reads only the keys it needs).
CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "type": _ALL,
    "name": _ALL,
    "description": _ALL,
    "flows": _ALL,
    "emits": _ALL,
    "typed": _ALL,
    "timeoutMs": _ALL,
    "virtualEmits": _ALL,  # Motia: edges drawn in flows, never checked
    "virtualSubscribes": _ALL,  # Motia
    "includeFiles": _ALL,  # Motia: files deployed beside the step
    "isolated": _RUN,  # a runtime process of its own (host/runtimes/supervisor.py)
    "limits": _RUN,  # what that process may use: {memoryMb, cpuSeconds}
    "method": ("api",),
    "path": ("api",),
    "bodySchema": ("api",),
    "responseSchema": ("api",),
    "queryParams": ("api",),  # Motia: documents the query parameters
    "middleware": ("api",),  # Motia: handlers run around the api handler
    "auth": ("api",),  # who may call it: see host/auth/config.py
    "concurrency": ("api", "event", "cron", "auth"),
    "subscribes": ("event", "noop"),
    "input": ("event",),
    "maxAttempts": ("event", "cron"),
    "backoffMs": ("event", "cron"),
    "delayMs": ("event",),
    "rateLimit": ("event",),  # see host/bus/ratelimit.py
    "priority": ("event",),  # of the messages whose emit gives none
    "infrastructure": ("event", "cron"),  # Motia: handler and queue settings
    "cron": ("cron",),
}
# The keys of an `emits` entry given as an object.
EMIT_KEYS = ("topic", "type", "schema", "label", "conditional")  # label, conditional: Motia
_PARAM = re.compile(r"^(?::([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """An event step's ``rateLimit``: ``limit`` runs per ``period_ms``, per value of the
    data's field ``key`` when there is one."""

    limit: int
    period_ms: int
    key: str = ""  # a field of the data ("customerId", or a JSON pointer "/a/b")


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
    rate_limit: RateLimit | None = None
    priority: int = DEFAULT_PRIORITY  # of a message to this step whose emit gave none
    auth: AuthSpec | None = None  # api: the credential it requires (None: open)
    isolated: bool = False  # runs in a runtime process of its own (its file's group)
    limits: Limits | None = None  # what that process may use (only when isolated)
    # Keys the config should not have (typos, most likely), each with a "did you mean".
    config_warnings: tuple[str, ...] = ()

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
        if self.isolated:
            out["settings"]["isolated"] = True
            if self.limits is not None:
                out["settings"]["limits"] = {
                    "memoryMb": self.limits.memory_mb,
                    "cpuSeconds": self.limits.cpu_seconds,
                }
        if self.type in ("event", "cron"):
            out["settings"] = {
                "maxAttempts": self.max_attempts,
                "backoffMs": self.backoff_ms,
                **out["settings"],
                "delayMs": self.delay_ms,
            }
        if self.type == "event":
            out["settings"]["priority"] = self.priority
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
    from croniter import croniter  # on first use: most projects have no cron step

    if not croniter.is_valid(expression, second_at_beginning=len(fields) == 6):
        raise ConfigError(f"`cron` {expression!r} is not a valid cron expression")
    return expression


def _suggestion(key: str, candidates: list[str]) -> str | None:
    """The known key ``key`` most likely meant (case first, then spelling)."""
    for candidate in candidates:
        if candidate.lower() == key.lower():
            return candidate
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def unknown_keys(raw: dict[str, Any], step_type: str) -> list[str]:
    """A warning for each key ``CONFIG_KEYS`` does not give to ``step_type``."""
    own = [key for key, types in CONFIG_KEYS.items() if step_type in types]
    warnings = []
    for key in raw:
        if key in own:
            continue
        types = CONFIG_KEYS.get(key)
        if types is not None:
            warnings.append(
                f"`{key}` is not a key of {step_type} steps (only of {', '.join(types)} steps)"
            )
            continue
        guess = _suggestion(key, own)
        hint = f" (did you mean `{guess}`?)" if guess else ""
        warnings.append(f"unknown key `{key}`{hint}")
    for entry in raw.get("emits") or []:
        if isinstance(entry, dict):
            for key in entry:
                if key not in EMIT_KEYS:
                    guess = _suggestion(str(key), list(EMIT_KEYS))
                    hint = f" (did you mean `{guess}`?)" if guess else ""
                    warnings.append(
                        f"`emits` entry {entry.get('topic')!r}: unknown key `{key}`{hint}"
                    )
    return warnings


def _str_list(raw: dict[str, Any], key: str, *, required: bool = False) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        if required:
            typo = _suggestion(key, [k for k in raw if k not in CONFIG_KEYS])
            hint = f" (the config has `{typo}`: did you mean `{key}`?)" if typo else ""
            raise ConfigError(f"`{key}` is required for {raw.get('type')} steps{hint}")
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


def _rate_limit(raw: dict[str, Any]) -> RateLimit | None:
    value = raw.get("rateLimit")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"limit", "periodMs", "key"}:
        raise ConfigError(
            '`rateLimit` must be {"limit": N, "periodMs": MS} with an optional "key" '
            f"(a field of the data), got {value!r}"
        )
    key = value.get("key", "")
    if not isinstance(key, str):
        raise ConfigError(f"`rateLimit.key` must be a field name, got {key!r}")
    try:
        return RateLimit(
            _positive_int(value, "limit", 0), _positive_int(value, "periodMs", 1000), key
        )
    except ConfigError as exc:
        raise ConfigError(f"rateLimit: {exc}") from None


def priority_problem(value: object, name: str = "priority") -> str | None:
    """What is wrong with ``value`` as a priority (``name`` is the field), or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        pass
    elif MIN_PRIORITY <= value <= MAX_PRIORITY:
        return None
    return (
        f"`{name}` must be an integer from {MIN_PRIORITY} to {MAX_PRIORITY} "
        f"(higher runs first), got {value!r}"
    )


def _priority(raw: dict[str, Any]) -> int:
    value = raw.get("priority", DEFAULT_PRIORITY)
    problem = priority_problem(value)
    if problem:
        raise ConfigError(problem)
    return int(value)


def _isolation(raw: dict[str, Any]) -> tuple[bool, Limits | None]:
    """``isolated`` and ``limits``: whether the step runs in a process of its own, and
    what that process may use."""
    isolated = raw.get("isolated", False)
    if not isinstance(isolated, bool):
        raise ConfigError(f"`isolated` must be true or false, got {isolated!r}")
    value = raw.get("limits")
    if value is None:
        return isolated, None
    if not isolated:
        raise ConfigError(
            "`limits` apply to the step's own runtime process: set `isolated: true` as well"
        )
    if not isinstance(value, dict) or not value or set(value) - {"memoryMb", "cpuSeconds"}:
        raise ConfigError(
            f'`limits` must be {{"memoryMb": MB, "cpuSeconds": S}} (one or both), got {value!r}'
        )
    try:
        memory = _positive_int(value, "memoryMb", 0) if "memoryMb" in value else 0
        cpu = _positive_int(value, "cpuSeconds", 0) if "cpuSeconds" in value else 0
    except ConfigError as exc:
        raise ConfigError(f"limits: {exc}") from None
    if memory and memory < MIN_MEMORY_MB:
        raise ConfigError(
            f"limits: `memoryMb` must be at least {MIN_MEMORY_MB} (a runtime needs that much "
            f"to start), got {memory}"
        )
    return True, Limits(memory_mb=memory, cpu_seconds=cpu)


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
            if not contracts.own_files:
                raise ConfigError(
                    f"{where} names the message type {value!r}, but the project has no .proto "
                    "files under contracts/"
                )
            raise ConfigError(
                f"{where} names the message type {value!r}, which no .proto file under "
                f"contracts/ declares (it has {', '.join(contracts.own_files)})"
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
    isolated, limits = _isolation(raw) if step_type in _RUN else (False, None)
    common: dict[str, Any] = {
        "isolated": isolated,
        "limits": limits,
        "config_warnings": tuple(unknown_keys(raw, step_type)),
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
            auth=_auth(raw),
        )
    if step_type == "auth":
        concurrency = _positive_int(raw, "concurrency", 1) if "concurrency" in raw else 0
        return StepConfig(**common, concurrency=concurrency)
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
            rate_limit=_rate_limit(raw),
            priority=_priority(raw),
            subscribes=_str_list(raw, "subscribes", required=True),
            input_schema=_check(raw, "input", contracts),
        )
    return StepConfig(**common, **retry, cron=valid_cron(raw.get("cron")))


def bad_config(message: str, step: str) -> Failure:
    """The failure of a step config the host cannot serve."""
    return Failure(
        code="BAD_CONFIG",
        message=message,
        type="ConfigError",
        language="host",
        step=step,
        retryable=False,
    )


def _auth(raw: dict[str, Any]) -> AuthSpec | None:
    if raw.get("auth") is None:
        return None
    try:
        return parse_auth(raw["auth"])
    except AuthConfigError as exc:
        raise ConfigError(f"`auth`: {exc}") from None


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
    # Likewise, each subscriber's default ``priority``, for topics where one is not 0.
    priorities: dict[str, tuple[int, ...]] = field(default_factory=dict)
    streams: dict[str, StreamReport] = field(default_factory=dict)
    notes: list[motia.Note] = field(default_factory=list)
    # Steps whose runtime group has no live connection now (``host.runtimes.groups``):
    # still indexed (messages on their topics are stored), but nothing runs them.
    unavailable: frozenset[str] = frozenset()
    unavailable_groups: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        reports: list[StepReport],
        problems: list[LoadProblem],
        contracts: Contracts | None = None,
        streams: list[StreamReport] | None = None,
    ) -> Catalog:
        """The catalog of what the runtimes reported; configs with unknown keys are
        served (with warnings): ``strict()`` refuses them."""
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
                failure = bad_config(f"{report.file}: {exc}", report.name)
                catalog.problems.append(LoadProblem(report.file, report.language, failure))
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
        catalog._check_auth_steps()
        catalog._index()
        return catalog

    def _check_auth_steps(self) -> None:
        """An api step whose `auth` names no auth step is not served (it would be open)."""
        for step in list(self.steps.values()):
            if not isinstance(step.auth, StepAuth):
                continue
            target = self.steps.get(step.auth.step)
            if target is not None and target.type == "auth":
                continue
            auth_steps = [s.name for s in self.steps.values() if s.type == "auth"]
            if target is not None:
                why = f"{step.auth.step!r} is a {target.type} step, not an auth step"
            else:
                guess = _suggestion(step.auth.step, auth_steps)
                hint = f" (did you mean {guess!r}?)" if guess else ""
                why = f"no auth step is named {step.auth.step!r}{hint}"
            del self.steps[step.name]
            message = f"{step.file}: `auth`.`step`: {why}; the step is not served"
            failure = bad_config(message, step.name)
            self.problems.append(LoadProblem(step.file, step.language, failure))

    def _index(self) -> None:
        topics: dict[str, list[StepConfig]] = defaultdict(list)
        for step in self.steps.values():
            if step.type == "event":
                for topic in step.subscribes:
                    topics[topic].append(step)
        self.by_topic = {t: tuple(s) for t, s in topics.items()}
        self.delays = {
            t: tuple(s.delay_ms for s in steps)
            for t, steps in self.by_topic.items()
            if any(s.delay_ms for s in steps)
        }
        self.priorities = {
            t: tuple(s.priority for s in steps)
            for t, steps in self.by_topic.items()
            if any(s.priority != DEFAULT_PRIORITY for s in steps)
        }

    def strict(self) -> Catalog:
        """This catalog where a config with an unknown key is a load problem, not a warning."""
        out = Catalog(
            problems=list(self.problems),
            duplicates=list(self.duplicates),
            streams=dict(self.streams),
            notes=list(self.notes),
            unavailable=self.unavailable,
            unavailable_groups=self.unavailable_groups,
        )
        for step in self.steps.values():
            if not step.config_warnings:
                out.steps[step.name] = step
                continue
            message = f"{step.file}: {'; '.join(step.config_warnings)}"
            failure = bad_config(message, step.name)
            out.problems.append(LoadProblem(step.file, step.language, failure))
        out._index()
        return out

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

    @classmethod
    def of_runtimes(cls, runtimes: Iterable[RuntimeInfo], contracts: Contracts) -> Catalog:
        """The catalog of what these runtimes announced."""
        reports: list[StepReport] = []
        problems: list[LoadProblem] = []
        streams: list[StreamReport] = []
        for runtime in runtimes:
            for step in runtime.steps:
                try:
                    config = orjson.loads(step.config)
                except orjson.JSONDecodeError as exc:
                    message = f"{step.file}: config is not JSON: {exc}"
                    failure = Failure("BAD_CONFIG", message, step=step.name)
                    problems.append(LoadProblem(step.file, runtime.language, failure))
                    continue
                reports.append(StepReport(runtime.language, step.file, step.name, config))
            for stream in runtime.streams:
                try:
                    declared = orjson.loads(stream.config) if stream.config else {}
                except orjson.JSONDecodeError as exc:
                    message = f"{stream.file}: config is not JSON: {exc}"
                    failure = Failure("BAD_CONFIG", message, step=stream.name)
                    problems.append(LoadProblem(stream.file, runtime.language, failure))
                    continue
                stream_config = declared if isinstance(declared, dict) else {}
                streams.append(
                    StreamReport(runtime.language, stream.file, stream.name, stream_config)
                )
            problems.extend(
                LoadProblem(f.file, runtime.language, f.failure) for f in runtime.load_failures
            )
        return cls.build(reports, problems, contracts, streams)

    def subscribers(self, topic: str) -> tuple[StepConfig, ...]:
        return self.by_topic.get(topic, ())

    def of_type(self, step_type: str) -> list[StepConfig]:
        return [s for s in self.steps.values() if s.type == step_type]

    def config_warnings(self) -> list[str]:
        """Keys in step configs that no step type has: typos, most likely."""
        return [
            f"{step.file}: {step.name}: {warning}"
            for step in sorted(self.steps.values(), key=lambda s: s.file)
            for warning in step.config_warnings
        ]

    def warnings(self) -> list[str]:
        """Things that work but are probably mistakes, or settings that cannot be honoured."""
        return self.config_warnings() + [note.text() for note in self.notes] + self.topic_warnings()

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
