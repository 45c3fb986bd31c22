"""Plain values the host works on; Protobuf stays in ``host.contract``."""

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
class Outcome:
    """What one invocation produced: JSON output, or a failure."""

    output: bytes | None = None
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None
