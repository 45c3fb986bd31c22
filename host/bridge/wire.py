"""The contract's messages to the host's plain values, and back."""

from __future__ import annotations

import orjson

from stephost.v1 import error_pb2, invocation_pb2, runtime_pb2

from ..errors import ContractError
from ..invocation import Invocation, Outcome
from ..model import Failure, LoadFailure, RuntimeInfo, StepDefinition
from ..telemetry import make_traceparent

CONTRACT_VERSION = 1

TRIGGERS = {
    "api": invocation_pb2.TRIGGER_API,
    "event": invocation_pb2.TRIGGER_EVENT,
    "cron": invocation_pb2.TRIGGER_CRON,
}


def failure_from_wire(wire: error_pb2.StepError) -> Failure:
    details = None
    if wire.details:
        try:
            details = orjson.loads(wire.details)
        except orjson.JSONDecodeError:
            details = {"raw": wire.details.decode("utf-8", "replace")}
    return Failure(
        code=wire.code or "HANDLER_ERROR",
        message=wire.message,
        type=wire.type,
        stack=wire.stack,
        language=wire.language,
        step=wire.step,
        retryable=wire.retryable,
        details=details,
        cause=failure_from_wire(wire.cause) if wire.HasField("cause") else None,
    )


def failure_to_wire(failure: Failure) -> error_pb2.StepError:
    wire = error_pb2.StepError(
        code=failure.code,
        message=failure.message,
        type=failure.type,
        stack=failure.stack,
        language=failure.language,
        step=failure.step,
        retryable=failure.retryable,
        details=orjson.dumps(failure.details) if failure.details else b"",
    )
    if failure.cause is not None:
        wire.cause.CopyFrom(failure_to_wire(failure.cause))
    return wire


def runtime_info(hello: runtime_pb2.Hello) -> RuntimeInfo:
    """The runtime a Hello announces; ContractError when it speaks another version."""
    if hello.contract_version != CONTRACT_VERSION:
        raise ContractError(
            f"contract version mismatch: the host speaks v{CONTRACT_VERSION}, the "
            f"{hello.language or 'unknown'} runtime ({hello.runtime_version}) speaks "
            f"v{hello.contract_version}"
        )
    return RuntimeInfo(
        runtime_id=hello.runtime_id,
        language=hello.language,
        version=hello.runtime_version,
        pid=hello.pid,
        capacity=hello.capacity,
        steps=tuple(StepDefinition(s.name, s.file, s.config) for s in hello.steps),
        load_failures=tuple(
            LoadFailure(e.file, failure_from_wire(e.error)) for e in hello.load_errors
        ),
    )


def invocation_message(
    invocation_id: int, invocation: Invocation, deadline_unix_ms: int
) -> runtime_pb2.HostMessage:
    message = invocation_pb2.Invocation(
        id=invocation_id,
        step=invocation.step.name,
        trigger=TRIGGERS[invocation.trigger],
        payload=invocation.payload,
        attempt=invocation.attempt,
        deadline_unix_ms=deadline_unix_ms,
        topic=invocation.topic,
        message_id=invocation.message_id,
    )
    message.trace.traceparent = make_traceparent(invocation.trace_id, invocation.span_id)
    return runtime_pb2.HostMessage(invocation=message)


def outcome(result: invocation_pb2.InvocationResult) -> Outcome:
    if result.WhichOneof("outcome") == "error":
        return Outcome(failure=failure_from_wire(result.error))
    return Outcome(output=result.output)
