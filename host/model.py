"""Plain values of what crosses the boundary with a runtime; Protobuf stays in
``host.bridge``, which builds these from the wire and the wire from these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Failure:
    """A failure as it crossed the boundary: the wire's StepError as a value."""

    code: str
    message: str
    type: str = ""
    stack: str = ""
    language: str = "host"
    step: str = ""
    retryable: bool = True
    details: dict[str, Any] | None = None
    cause: Failure | None = None

    def to_json(self) -> dict[str, Any]:
        """Every field, for logs, the DLQ and the host's own JSON API."""
        out: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "type": self.type,
            "stack": self.stack,
            "language": self.language,
            "step": self.step,
            "retryable": self.retryable,
        }
        if self.details:
            out["details"] = self.details
        if self.cause is not None:
            out["cause"] = self.cause.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Failure:
        cause = data.get("cause")
        return cls(
            code=data.get("code", "INTERNAL"),
            message=data.get("message", ""),
            type=data.get("type", ""),
            stack=data.get("stack", ""),
            language=data.get("language", "host"),
            step=data.get("step", ""),
            retryable=data.get("retryable", True),
            details=data.get("details"),
            cause=cls.from_json(cause) if cause else None,
        )


@dataclass(frozen=True, slots=True)
class EmitResult:
    """An emit's stored message, or the duplicate that was dropped (``subscribers``: the
    steps it was stored for; none when nothing subscribes to its topic)."""

    message_id: str
    duplicate: bool
    subscribers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StepDefinition:
    """One step as its runtime loaded it; ``config`` is JSON, still unchecked."""

    name: str
    file: str
    config: bytes


@dataclass(frozen=True, slots=True)
class StreamDefinition:
    """One stream as a stream file declares it; ``config`` is JSON."""

    name: str
    file: str
    config: bytes


@dataclass(frozen=True, slots=True)
class LoadFailure:
    """A step file its runtime could not load."""

    file: str
    failure: Failure


@dataclass(frozen=True, slots=True)
class Limits:
    """What an isolated step's own runtime process may use (``limits`` of its config),
    enforced by rlimits: ``memory_mb`` as RLIMIT_DATA, ``cpu_seconds`` as RLIMIT_CPU
    (CPU time over the process's life). 0: no limit."""

    memory_mb: int = 0
    cpu_seconds: int = 0


@dataclass(frozen=True, slots=True)
class RuntimeInfo:
    """A connected runtime, as its Hello announced it."""

    runtime_id: str
    language: str
    version: str
    pid: int
    capacity: int  # invocations it runs at once; 0 for no limit
    steps: tuple[StepDefinition, ...] = ()
    load_failures: tuple[LoadFailure, ...] = ()
    streams: tuple[StreamDefinition, ...] = ()
    # The runtime group it joins (``host.runtimes.groups``); empty: its language's.
    group: str = ""
