"""The host's exceptions, and the one place they become HTTP responses.

    HostError                       code, message, HTTP status
    ├── ProjectError                the project cannot be served (the CLI exits 1)
    │   ├── DuplicateStepError      two files declare one step name
    │   └── PortInUseError          the HTTP port is taken
    ├── ContractError               a runtime speaks another contract version
    ├── RequestError          400   the HTTP request is unusable
    │   ├── InvalidJsonError  400   the body is not JSON
    │   ├── ValidationError   400   the body or payload breaks the step's schema
    │   ├── PayloadTooLargeError 413
    │   └── UnsupportedMediaTypeError 415
    ├── NotFoundError         404   no route, state key, DLQ entry, ...
    ├── MethodNotAllowedError 405
    ├── UnknownTopicError     404   nobody subscribes to the topic
    ├── StepFailedError       500   a handler failed (carries the runtime's Failure)
    ├── RuntimeUnavailableError 503 no runtime can run the step now
    └── StepTimeoutError      504   the handler did not answer within timeoutMs

A handler's failure (``Failure``, the wire's StepError) and a transport failure
(the runtime vanished) travel separately and are each mapped here.
"""

from __future__ import annotations

from typing import Any

from .model import Failure


class HostError(Exception):
    status = 500
    code = "INTERNAL"

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


class ProjectError(HostError):
    code = "BAD_PROJECT"


class DuplicateStepError(ProjectError):
    code = "DUPLICATE_STEP"


class PortInUseError(ProjectError):
    code = "PORT_IN_USE"


class ContractError(HostError):
    code = "CONTRACT_MISMATCH"


class RequestError(HostError):
    status = 400
    code = "BAD_REQUEST"


class InvalidJsonError(RequestError):
    code = "INVALID_JSON"


class ValidationError(RequestError):
    """A value broke a JSON Schema; ``errors`` lists each failing field."""

    code = "VALIDATION_FAILED"

    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.errors = errors

    def to_json(self, trace_id: str = "") -> dict[str, Any]:
        body = super().to_json(trace_id)
        body["error"]["errors"] = self.errors
        return body


class PayloadTooLargeError(RequestError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaTypeError(RequestError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class NotFoundError(HostError):
    status = 404
    code = "NOT_FOUND"


class MethodNotAllowedError(HostError):
    status = 405
    code = "METHOD_NOT_ALLOWED"


class UnknownTopicError(NotFoundError):
    code = "UNKNOWN_TOPIC"


class StepFailedError(HostError):
    """A handler failed; the client sees code, message and step, never the stack."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message, code=failure.code)
        self.failure = failure

    def to_json(self, trace_id: str = "") -> dict[str, Any]:
        body = super().to_json(trace_id)
        body["error"]["step"] = self.failure.step
        return body


class RuntimeUnavailableError(HostError):
    status = 503
    code = "RUNTIME_UNAVAILABLE"


class StepTimeoutError(HostError):
    status = 504
    code = "TIMEOUT"


def http_error(exc: Exception) -> HostError:
    """Any exception as the HostError the client will see."""
    if isinstance(exc, HostError):
        return exc
    return HostError(f"internal error: {type(exc).__name__}")
