"""The host's exceptions, and the one place they get their HTTP status.

    HostError                          code, message, HTTP status (500)
    ├── ProjectError                   the project cannot be served (the CLI exits 1)
    │   ├── DuplicateStepError         two files declare one step name
    │   └── PortInUseError             the HTTP port is taken
    ├── ContractError                  a runtime speaks another contract version
    ├── CallRefusedError               a handler's call into the host is refused
    │                                  (EMIT_NOT_ALLOWED, ...); the handler gets its code
    ├── RequestError             400   the HTTP request is unusable
    │   ├── InvalidJsonError     400   the body is not JSON
    │   ├── ValidationError      400   the body or payload breaks the step's schema
    │   ├── JsonTooDeepError     400   JSON nested deeper than the bound
    │   ├── RequestTimeoutError  408   the request did not arrive in time
    │   ├── PayloadTooLargeError 413
    │   │   └── MessageTooLargeError 413  a message over max_message_bytes (emit, result)
    │   ├── UnsupportedMediaTypeError 415
    │   └── HeadersTooLargeError 431   too many headers, or too many bytes of them
    ├── UnauthorizedError        401   an api step's credential is missing or invalid
    ├── ForbiddenError           403   the credential does not let the caller in
    ├── NotFoundError            404   no route, state key, DLQ entry, ...
    │   └── UnknownTopicError    404   nobody subscribes to the topic
    ├── MethodNotAllowedError    405
    ├── StorageError             503   a durable write failed (disk full, read-only)
    ├── QueueFullError           503   a subscriber of the topic has max_queue_depth waiting
    ├── StepFailedError          500   a handler failed (carries the runtime's Failure);
    │                                  503 when it failed on the host being unavailable
    └── TransportError                 no answer came from a runtime (step: which step)
        ├── RuntimeUnavailableError 503  no runtime could take the step in time
        ├── RuntimeLostError     503   the runtime went away while running it
        ├── InvocationTimeoutError 504 no answer within the step's timeoutMs
        └── InvocationCancelledError 499 the caller stopped waiting (client went away)

A handler's failure (``Failure``, the wire's StepError) and a transport failure
travel separately: the first comes back as the invocation's outcome, the second is
raised by the runtime pool. What a transport failure means for a delivery (release,
retry, bury) is the bus's decision; its HTTP status is decided here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .model import Failure


class HostError(Exception):
    status = 500
    code = "INTERNAL"
    # Whether a handler whose host call failed with it may succeed if run again (a
    # delivery is then retried, not buried).
    retryable = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_json(self, trace_id: str = "") -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if trace_id:
            error["traceId"] = trace_id
        return {"error": error}

    def response_headers(self) -> list[tuple[bytes, bytes]]:
        """Headers the HTTP answer carries besides the JSON body's: a 503 says "the host
        cannot take this now", so it tells the client when to try again."""
        return [(b"retry-after", b"1")] if self.status == 503 else []

    def as_failure(self, step: str = "", *, retryable: bool = False) -> Failure:
        """This error in the shape every failure takes at the boundary (for a handler
        whose call failed, the log and the dead-letter queue)."""
        return Failure(
            code=self.code,
            message=self.message,
            type=type(self).__name__,
            language="host",
            step=step,
            retryable=retryable,
        )


class ProjectError(HostError):
    code = "BAD_PROJECT"


class DuplicateStepError(ProjectError):
    code = "DUPLICATE_STEP"


class PortInUseError(ProjectError):
    code = "PORT_IN_USE"


class ContractError(HostError):
    code = "CONTRACT_MISMATCH"


class CallRefusedError(HostError):
    """A handler's call the host refuses; the handler sees a StepError with this code."""


class RequestError(HostError):
    status = 400
    code = "BAD_REQUEST"


class InvalidJsonError(RequestError):
    code = "INVALID_JSON"


class ValidationError(RequestError):
    """A value broke a schema; ``errors`` lists each failing field. The message is
    ``what`` followed by every error."""

    code = "VALIDATION_FAILED"

    def __init__(self, what: str, errors: list[dict[str, str]], *, hint: str = "") -> None:
        super().__init__(f"{what}: {errors_text(errors)}{hint}")
        self.errors = errors

    def to_json(self, trace_id: str = "") -> dict[str, Any]:
        body = super().to_json(trace_id)
        body["error"]["errors"] = self.errors
        return body

    def as_failure(self, step: str = "", *, retryable: bool = False) -> Failure:
        return replace(
            super().as_failure(step, retryable=retryable), details={"errors": self.errors}
        )


class JsonTooDeepError(InvalidJsonError):
    code = "JSON_TOO_DEEP"


class RequestTimeoutError(RequestError):
    status = 408
    code = "REQUEST_TIMEOUT"


class PayloadTooLargeError(RequestError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class MessageTooLargeError(PayloadTooLargeError):
    """A message bigger than ``max_message_bytes``: refused before it is stored or sent,
    so that only the call that made it fails."""

    code = "MESSAGE_TOO_LARGE"


class HeadersTooLargeError(RequestError):
    status = 431
    code = "HEADERS_TOO_LARGE"


class UnsupportedMediaTypeError(RequestError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class UnauthorizedError(HostError):
    """No credential, or one that is not good; ``challenge`` is the WWW-Authenticate."""

    status = 401
    code = "UNAUTHORIZED"

    def __init__(self, message: str, *, challenge: str) -> None:
        super().__init__(message)
        self.challenge = challenge

    def response_headers(self) -> list[tuple[bytes, bytes]]:
        return [(b"www-authenticate", self.challenge.encode("latin-1", "replace"))]


class ForbiddenError(HostError):
    status = 403
    code = "FORBIDDEN"


class NotFoundError(HostError):
    status = 404
    code = "NOT_FOUND"


class MethodNotAllowedError(HostError):
    status = 405
    code = "METHOD_NOT_ALLOWED"


class UnknownTopicError(NotFoundError):
    code = "UNKNOWN_TOPIC"


class StorageError(HostError):
    """A durable write failed (disk full, read-only, I/O error): nothing was stored, and
    trying again later may work."""

    status = 503
    code = "STORAGE_UNAVAILABLE"
    retryable = True


class QueueFullError(HostError):
    """An emit refused: a step subscribed to its topic has too many deliveries waiting.
    Nothing was stored; trying again later may work."""

    status = 503
    code = "QUEUE_FULL"
    retryable = True


class HostStoppingError(HostError):
    """A call the host could not finish because it is stopping (an emit whose write was
    cut off): nothing was stored, and the same call after its restart may work."""

    status = 503
    code = "HOST_STOPPING"
    retryable = True


# Codes of host calls a handler may let through, and the status its client then gets:
# the host cannot take more now (503), or the handler's message was too large (413).
CALL_FAILURE_STATUS = {
    StorageError.code: 503,
    QueueFullError.code: 503,
    HostStoppingError.code: 503,
    MessageTooLargeError.code: 413,
}


class StepFailedError(HostError):
    """A handler failed; the client sees code, message and step, never the stack."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message, code=failure.code)
        self.failure = failure
        self.status = CALL_FAILURE_STATUS.get(failure.code, 500)

    def to_json(self, trace_id: str = "") -> dict[str, Any]:
        body = super().to_json(trace_id)
        body["error"]["step"] = self.failure.step
        return body


class TransportError(HostError):
    """No answer came from a runtime for ``step``; the client sees code, message, step."""

    def __init__(self, message: str, *, step: str) -> None:
        super().__init__(message)
        self.step = step

    def to_json(self, trace_id: str = "") -> dict[str, Any]:
        body = super().to_json(trace_id)
        body["error"]["step"] = self.step
        return body


class RuntimeUnavailableError(TransportError):
    status = 503
    code = "RUNTIME_UNAVAILABLE"


class RuntimeLostError(TransportError):
    """``alone``: the invocation was the only one in flight on that runtime, so the
    runtime's death may be blamed on it; with others beside it, any of them may be."""

    status = 503
    code = "RUNTIME_LOST"

    def __init__(self, message: str, *, step: str, alone: bool = True) -> None:
        super().__init__(message, step=step)
        self.alone = alone


class InvocationTimeoutError(TransportError):
    status = 504
    code = "TIMEOUT"


class InvocationCancelledError(TransportError):
    status = 499  # nginx's "client closed request": nobody reads the answer
    code = "CANCELLED"


def errors_text(errors: list[dict[str, str]]) -> str:
    """Field errors (``[{"path", "message"}]``) as one line."""
    return "; ".join(f"{e['path']}: {e['message']}" for e in errors)


def http_error(exc: Exception) -> HostError:
    """Any exception as the HostError the client will see."""
    if isinstance(exc, HostError):
        return exc
    return HostError(f"internal error: {type(exc).__name__}")
