"""The contract's messages to the runtime's plain values, and back."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from typing import Any

import orjson

from stephost._bridge.errors import load_error
from stephost.invocation import Invocation
from stephost.loader import FileFailure, LoadedStep, LoadedStream, describe_failure
from stephost.types import ApiRequest, ApiResponse
from stephost.v1 import invocation_pb2, runtime_pb2

CONTRACT_VERSION: int = runtime_pb2.CONTRACT_VERSION_CURRENT
LANGUAGE = "python"
TRIGGERS = {
    invocation_pb2.TRIGGER_API: "api",
    invocation_pb2.TRIGGER_EVENT: "event",
    invocation_pb2.TRIGGER_CRON: "cron",
    invocation_pb2.TRIGGER_AUTH: "auth",
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
    auth = message.request.auth if request is not None else b""
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
        auth=orjson.loads(auth) if auth else None,
    )


def _api_request(wire: invocation_pb2.ApiRequest) -> ApiRequest:
    # An empty map costs as much to copy as a full one: skipped.
    params = wire.path_params
    query = wire.query_params
    return ApiRequest(
        orjson.loads(wire.body) if wire.body else None,
        dict(params) if params else {},
        {name: q.values[0] if len(q.values) == 1 else list(q.values) for name, q in query.items()}
        if query
        else {},
        dict(wire.headers),
        wire.method,
        wire.path,
    )


# Results are filled in place into the outgoing frame (see connection.py).


def fill_output(message: runtime_pb2.RuntimeMessage, invocation_id: int, data: bytes) -> None:
    result = message.result
    result.invocation_id = invocation_id
    result.output = data


def fill_response(
    message: runtime_pb2.RuntimeMessage, invocation_id: int, value: ApiResponse, body: bytes
) -> None:
    """An api handler's response, already checked (headers are strings)."""
    result = message.result
    result.invocation_id = invocation_id
    wire = result.response
    wire.status = value.status
    if value.headers:
        wire.headers.update(value.headers)
    wire.body = body


def hello(
    steps: list[LoadedStep], failures: list[FileFailure], streams: Sequence[LoadedStream] = ()
) -> runtime_pb2.Hello:
    """Hello with every loaded step's and stream's config and every file that failed."""
    message = runtime_pb2.Hello(
        contract_version=CONTRACT_VERSION,
        language=LANGUAGE,
        runtime_version=f"{platform.python_implementation()} {platform.python_version()}",
        pid=os.getpid(),
        runtime_id=os.environ.get("STEPHOST_RUNTIME_ID", ""),
        capacity=0,
    )
    declared: list[tuple[Any, LoadedStep | LoadedStream]] = [
        *((message.steps, step) for step in steps),
        *((message.streams, stream) for stream in streams),
    ]
    for into, item in declared:
        try:
            config = orjson.dumps(item.config)
        except TypeError as exc:
            error = load_error("BAD_CONFIG", f"config is not JSON: {exc}", "")
            message.load_errors.add(file=item.file, error=error)
            continue
        into.add(name=item.name, file=item.file, config=config)
    for problem in failures:
        text, stack = describe_failure(problem)
        message.load_errors.add(file=problem.file, error=load_error(problem.code, text, stack))
    return message
