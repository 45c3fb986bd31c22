"""The host's side of the contract: Protobuf messages to plain values and back.

Besides ``host.runtimes`` and ``host.calls``, nothing in the host imports the
generated stubs.
"""

from __future__ import annotations

import orjson

from stephost.v1 import error_pb2, runtime_pb2

from .catalog import Catalog, LoadProblem, StepReport, StreamReport
from .contracts import Contracts
from .model import Failure

CONTRACT_VERSION = 1


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


def reports_from_hello(hello: runtime_pb2.Hello) -> tuple[list[StepReport], list[LoadProblem]]:
    """The steps and load errors a runtime announced, unchecked."""
    reports = []
    problems = []
    for step in hello.steps:
        try:
            config = orjson.loads(step.config)
        except orjson.JSONDecodeError as exc:
            problems.append(
                LoadProblem(
                    step.file,
                    hello.language,
                    Failure(
                        "BAD_CONFIG", f"{step.file}: config is not JSON: {exc}", step=step.name
                    ),
                )
            )
            continue
        reports.append(StepReport(hello.language, step.file, step.name, config))
    for error in hello.load_errors:
        problems.append(LoadProblem(error.file, hello.language, failure_from_wire(error.error)))
    return reports, problems


def streams_from_hello(hello: runtime_pb2.Hello) -> list[StreamReport]:
    """The streams a runtime's stream files declare."""
    out = []
    for stream in hello.streams:
        config = orjson.loads(stream.config) if stream.config else {}
        out.append(
            StreamReport(
                hello.language, stream.file, stream.name, config if isinstance(config, dict) else {}
            )
        )
    return out


def catalog_from_hellos(hellos: list[runtime_pb2.Hello], contracts: Contracts) -> Catalog:
    """The catalog of what these runtimes announced."""
    reports: list[StepReport] = []
    problems: list[LoadProblem] = []
    streams: list[StreamReport] = []
    for hello in hellos:
        hello_reports, hello_problems = reports_from_hello(hello)
        reports.extend(hello_reports)
        problems.extend(hello_problems)
        streams.extend(streams_from_hello(hello))
    return Catalog.build(reports, problems, contracts, streams)
