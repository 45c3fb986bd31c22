"""The one exception a step author raises or catches.

Raise ``StepError`` to fail with a chosen code, or to say a failure is not worth
retrying (``retryable=False`` sends an event straight to the dead-letter queue).
Calls into the host that fail (an emit to a topic the step does not declare, for
example) raise it too, with the host's code.
"""

from __future__ import annotations

from typing import Any


class StepError(Exception):
    """A failure with a machine-readable code, as it travels between languages."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "HANDLER_ERROR",
        retryable: bool = True,
        details: dict[str, Any] | None = None,
        type: str = "",
        language: str = "python",
        step: str = "",
        stack: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        self.details = details or {}
        self.type = type or "StepError"
        self.language = language
        self.step = step
        self.stack = stack

    def __repr__(self) -> str:
        return f"StepError(code={self.code!r}, message={self.message!r})"
