"""The contract's messages to the runtime's plain values, and back."""

from __future__ import annotations

import os
import platform
from typing import Any

import orjson

from stephost._bridge.errors import load_error, to_wire
from stephost.invocation import Invocation
from stephost.loader import FileFailure, LoadedStep, describe_failure
from stephost.types import ApiRequest, ApiResponse
from stephost.v1 import invocation_pb2, runtime_pb2

CONTRACT_VERSION: int = runtime_pb2.CONTRACT_VERSION_CURRENT
LANGUAGE = "python"
TRIGGERS = {
    invocation_pb2.TRIGGER_API: "api",
    invocation_pb2.TRIGGER_EVENT: "event",
    invocation_pb2.TRIGGER_CRON: "cron",
}


def dumps(value: Any) -> bytes:
    """JSON bytes of what a handler gave: pydantic models, protobuf messages and sets too."""
    return orjson.dumps(value, default=_json_default)


def _json_default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)  # pydantic models
    if callable(dump):
        return dump(mode="json")
    if hasattr(value, "DESCRIPTOR") and hasattr(value, "SerializeToString"):  # protobuf
        from google.protobuf import json_format

        return json_format.MessageToDict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def trace_id(traceparent: str) -> str:
    """The trace id of a W3C ``00-<trace id>-<parent span id>-<flags>`` traceparent."""
    parts = traceparent.split("-")
    return parts[1] if len(parts) == 4 else ""


def invocation(message: invocation_pb2.Invocation) -> Invocation:
    trace = message.trace
    request = _api_request(message.request) if message.HasField("request") else None
    return Invocation(
        id=message.id,
        step=message.step,
        trigger=TRIGGERS.get(message.trigger, "cron"),
        payload=message.payload,
        attempt=message.attempt,
        trace_id=trace_id(trace.traceparent),
        traceparent=trace.traceparent,
        tracestate=trace.tracestate,
        deadline_unix_ms=message.deadline_unix_ms,
        topic=message.topic,
        message_id=message.message_id,
        request=request,
    )


def _api_request(wire: invocation_pb2.ApiRequest) -> ApiRequest:
    return ApiRequest(
        body=orjson.loads(wire.body) if wire.body else None,
        path_params=dict(wire.path_params),
        query_params={
            name: query.values[0] if len(query.values) == 1 else list(query.values)
            for name, query in wire.query_params.items()
        },
        headers=dict(wire.headers),
        method=wire.method,
        path=wire.path,
    )


def output(invocation_id: int, value: Any) -> runtime_pb2.RuntimeMessage:
    result = invocation_pb2.InvocationResult(invocation_id=invocation_id, output=dumps(value))
    return runtime_pb2.RuntimeMessage(result=result)


def response(invocation_id: int, value: ApiResponse) -> runtime_pb2.RuntimeMessage:
    """An api handler's response, already checked (headers are strings)."""
    wire = invocation_pb2.ApiResponse(
        status=value.status, headers=value.headers, body=dumps(value.body)
    )
    result = invocation_pb2.InvocationResult(invocation_id=invocation_id, response=wire)
    return runtime_pb2.RuntimeMessage(result=result)


def failure(invocation_id: int, exc: BaseException, step: str) -> runtime_pb2.RuntimeMessage:
    result = invocation_pb2.InvocationResult(invocation_id=invocation_id, error=to_wire(exc, step))
    return runtime_pb2.RuntimeMessage(result=result)


def hello(steps: list[LoadedStep], failures: list[FileFailure]) -> runtime_pb2.Hello:
    """Hello with every loaded step's config and every file that failed."""
    message = runtime_pb2.Hello(
        contract_version=CONTRACT_VERSION,
        language=LANGUAGE,
        runtime_version=f"{platform.python_implementation()} {platform.python_version()}",
        pid=os.getpid(),
        runtime_id=os.environ.get("STEPHOST_RUNTIME_ID", ""),
        capacity=0,
    )
    for step in steps:
        try:
            config = orjson.dumps(step.config)
        except TypeError as exc:
            error = load_error("BAD_CONFIG", f"config is not JSON: {exc}", "")
            message.load_errors.add(file=step.file, error=error)
            continue
        message.steps.add(name=step.name, file=step.file, config=config)
    for problem in failures:
        text, stack = describe_failure(problem)
        message.load_errors.add(file=problem.file, error=load_error(problem.code, text, stack))
    return message
