"""The contract's messages to the host's plain values, and back."""

from __future__ import annotations

import orjson

from stephost.v1 import error_pb2, invocation_pb2, runtime_pb2

from ..errors import ContractError
from ..invocation import ApiRequest, ApiResponse, Invocation, Outcome
from ..model import Failure, LoadFailure, RuntimeInfo, StepDefinition, StreamDefinition
from ..telemetry import make_traceparent

CONTRACT_VERSION: int = runtime_pb2.CONTRACT_VERSION_CURRENT

TRIGGERS = {
    "api": invocation_pb2.TRIGGER_API,
    "event": invocation_pb2.TRIGGER_EVENT,
    "cron": invocation_pb2.TRIGGER_CRON,
    "auth": invocation_pb2.TRIGGER_AUTH,
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
        streams=tuple(StreamDefinition(s.name, s.file, s.config) for s in hello.streams),
    )


def fill_invocation(
    message: runtime_pb2.HostMessage,
    invocation_id: int,
    invocation: Invocation,
    deadline_unix_ms: int,
) -> None:
    """``message`` (empty) becomes the invocation: filled in place, as a sub-message
    passed to a constructor would be copied."""
    wire = message.invocation
    wire.id = invocation_id
    wire.step = invocation.step.name
    wire.trigger = TRIGGERS[invocation.trigger]
    wire.attempt = invocation.attempt
    wire.deadline_unix_ms = deadline_unix_ms
    if invocation.topic:
        wire.topic = invocation.topic
    if invocation.message_id:
        wire.message_id = invocation.message_id
    if invocation.request is not None:
        _fill_request(wire.request, invocation.request)
    else:
        wire.payload = invocation.payload
    trace = wire.trace
    trace.traceparent = make_traceparent(invocation.trace_id, invocation.span_id)
    if invocation.tracestate:
        trace.tracestate = invocation.tracestate


def _fill_request(wire: invocation_pb2.ApiRequest, request: ApiRequest) -> None:
    """Written in place: no intermediate message to copy."""
    wire.method = request.method
    wire.path = request.path
    if request.path_params:
        wire.path_params.update(request.path_params)
    for name, values in request.query_params.items():
        wire.query_params[name].values.extend(values)
    wire.headers.update(request.headers)
    wire.body = request.body
    if request.auth:
        wire.auth = request.auth


def outcome(result: invocation_pb2.InvocationResult) -> Outcome:
    kind = result.WhichOneof("outcome")
    if kind == "response":
        response = result.response
        headers = dict(response.headers) if response.headers else {}
        return Outcome(response=ApiResponse(response.status, headers, response.body))
    if kind == "error":
        return Outcome(failure=failure_from_wire(result.error))
    return Outcome(output=result.output)
