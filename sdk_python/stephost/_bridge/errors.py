"""Python exceptions to the wire's ``StepError``, and back: the one converter."""

from __future__ import annotations

import traceback

import orjson

from stephost.errors import StepError
from stephost.v1 import error_pb2

_MAX_CAUSES = 8


def to_wire(exc: BaseException, step: str, *, code: str = "HANDLER_ERROR") -> error_pb2.StepError:
    """The whole exception (class, message, full stack, cause chain) as a StepError."""
    return _convert(exc, step, code, depth=0)


def _convert(exc: BaseException, step: str, code: str, depth: int) -> error_pb2.StepError:
    stack = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, chain=False))
    message = str(exc) or type(exc).__name__
    wire = error_pb2.StepError(
        code=code,
        message=message,
        type=_type_name(exc),
        stack=stack,
        language="python",
        step=step,
        retryable=True,
    )
    if isinstance(exc, StepError):
        wire.code = exc.code
        wire.message = exc.message
        wire.retryable = exc.retryable
        if exc.details:
            wire.details = orjson.dumps(exc.details, default=str)
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None and depth < _MAX_CAUSES:
        wire.cause.CopyFrom(_convert(cause, step, code, depth + 1))
    return wire


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    if cls.__module__ in ("builtins", "stephost.errors"):
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def load_error(code: str, message: str, stack: str) -> error_pb2.StepError:
    """A step file that did not load (code LOAD_FAILED or BAD_CONFIG)."""
    return error_pb2.StepError(
        code=code, message=message, stack=stack, language="python", type="LoadError"
    )


def from_wire(wire: error_pb2.StepError) -> StepError:
    """A StepError the host sent (for a failed call) as the SDK's exception; its cause
    chain becomes ``__cause__``."""
    error = StepError(
        wire.message,
        code=wire.code,
        retryable=wire.retryable,
        details=orjson.loads(wire.details) if wire.details else None,
        type=wire.type,
        language=wire.language or "host",
        step=wire.step,
        stack=wire.stack,
    )
    if wire.HasField("cause"):
        error.__cause__ = from_wire(wire.cause)
    return error
