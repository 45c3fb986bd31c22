"""The Python runtime process: ``python -m stephost.runtime``.

The host launches it with STEPHOST_HOST_ADDRESS (the gRPC address to dial),
STEPHOST_RUNTIME_ID and STEPHOST_PROJECT_DIR in its environment. It loads the
project's Python steps, announces them in Hello, then runs invocations
concurrently until the host drains it or the stream ends.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gc
import os
import platform
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from stephost import motia, typed
from stephost._bridge.connection import HostConnection, dumps
from stephost._bridge.errors import to_wire
from stephost.context import Context, SyncContext
from stephost.errors import StepError
from stephost.loader import (
    FileFailure,
    LoadedStep,
    LoadedStream,
    describe_failure,
    load_steps,
    load_streams,
)
from stephost.types import ApiRequest, ApiResponse
from stephost.v1 import error_pb2, invocation_pb2, runtime_pb2

CONTRACT_VERSION = 1
LANGUAGE = "python"
_API = invocation_pb2.TRIGGER_API
_EVENT = invocation_pb2.TRIGGER_EVENT


class PythonRuntime:
    """Runs invocations of the loaded steps; many at once on one event loop."""

    def __init__(self, conn: HostConnection, steps: list[LoadedStep], threads: int) -> None:
        self._conn = conn
        self._steps = {step.name: step for step in steps}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="step")
        self._loop = asyncio.get_running_loop()
        self._draining = False
        self.done = asyncio.Event()

    def on_invocation(self, invocation: invocation_pb2.Invocation) -> None:
        task = asyncio.create_task(self._run(invocation))
        self._tasks[invocation.id] = task
        task.add_done_callback(functools.partial(self._forget, invocation.id))

    def _forget(self, invocation_id: int, _task: object = None) -> None:
        self._tasks.pop(invocation_id, None)
        if self._draining and not self._tasks:
            self.done.set()

    def on_cancel(self, invocation_id: int) -> None:
        task = self._tasks.get(invocation_id)
        if task is not None:
            task.cancel()

    async def on_drain(self) -> None:
        self._draining = True
        if self._tasks:
            await self.done.wait()
        self._conn.send(runtime_pb2.RuntimeMessage(drained=runtime_pb2.Drained()))
        self.done.set()

    async def _run(self, invocation: invocation_pb2.Invocation) -> None:
        step = self._steps.get(invocation.step)
        result = invocation_pb2.InvocationResult(invocation_id=invocation.id)
        if step is None:
            result.error.CopyFrom(
                error_pb2.StepError(
                    code="UNKNOWN_STEP",
                    message=f"this Python runtime has no step named {invocation.step!r}",
                    language=LANGUAGE,
                    step=invocation.step,
                    retryable=True,
                )
            )
        else:
            try:
                output = await self._call(step, invocation)
                result.output = dumps(output)
            except asyncio.CancelledError:
                return  # the host stopped waiting; a result would be ignored
            except BaseException as exc:  # user code may raise anything
                result.error.CopyFrom(to_wire(exc, step.name))
        self._conn.send(runtime_pb2.RuntimeMessage(result=result))

    async def _call(self, step: LoadedStep, invocation: invocation_pb2.Invocation) -> Any:
        trace_id = _trace_id(invocation.trace.traceparent)
        ctx = Context(self._conn, invocation.id, step.name, trace_id, invocation.attempt)
        payload: Any = orjson.loads(invocation.payload) if invocation.payload else None
        if invocation.trigger == _API:
            request = _api_request(payload)
            if step.message_type:
                request = dataclasses.replace(
                    request, body=typed.parse(step.message_type, request.body)
                )
            args: tuple[Any, ...] = (request,)
        elif invocation.trigger == _EVENT:
            args = (typed.parse(step.message_type, payload) if step.message_type else payload,)
        else:
            args = ()
        if step.middleware:
            output = await motia.with_middleware(
                step.middleware, args[0], ctx, functools.partial(self._handle, step, args, ctx)
            )
        else:
            output = await self._handle(step, args, ctx)
        return _api_response(output) if invocation.trigger == _API else output

    async def _handle(self, step: LoadedStep, args: tuple[Any, ...], ctx: Context) -> Any:
        if step.is_async:
            return await step.handler(*args, ctx)
        sync_ctx = SyncContext(ctx, self._loop)
        call = functools.partial(step.handler, *args, sync_ctx)
        return await self._loop.run_in_executor(self._pool, call)


def _trace_id(traceparent: str) -> str:
    parts = traceparent.split("-")
    return parts[1] if len(parts) == 4 else ""


def _api_request(payload: dict[str, Any]) -> ApiRequest:
    return ApiRequest(
        body=payload.get("body"),
        path_params=payload.get("pathParams") or {},
        query_params=payload.get("queryParams") or {},
        headers=payload.get("headers") or {},
        method=payload.get("method", "GET"),
        path=payload.get("path", "/"),
    )


def _api_response(output: Any) -> dict[str, Any]:
    if isinstance(output, ApiResponse):
        return {"status": output.status, "body": output.body, "headers": output.headers}
    if isinstance(output, dict) and "status" in output:
        return {
            "status": output["status"],
            "body": output.get("body"),
            "headers": output.get("headers") or {},
        }
    raise StepError(
        "an api handler must return ApiResponse(status=..., body=...) or a dict with "
        f"'status' and 'body'; it returned {type(output).__name__}",
        code="BAD_RESPONSE",
        retryable=False,
    )


def build_hello(
    steps: list[LoadedStep],
    failures: list[FileFailure],
    streams: Sequence[LoadedStream] = (),
) -> runtime_pb2.Hello:
    """Hello with every loaded step's and stream's config and every file that failed."""
    hello = runtime_pb2.Hello(
        contract_version=CONTRACT_VERSION,
        language=LANGUAGE,
        runtime_version=f"{platform.python_implementation()} {platform.python_version()}",
        pid=os.getpid(),
        runtime_id=os.environ.get("STEPHOST_RUNTIME_ID", ""),
        capacity=0,
    )
    declared: list[tuple[Any, LoadedStep | LoadedStream]] = [
        *((hello.steps, step) for step in steps),
        *((hello.streams, stream) for stream in streams),
    ]
    for into, item in declared:
        try:
            config = orjson.dumps(item.config)
        except TypeError as exc:
            _add_load_error(hello, item.file, "BAD_CONFIG", f"config is not JSON: {exc}", "")
            continue
        into.add(name=item.name, file=item.file, config=config)
    for failure in failures:
        message, stack = describe_failure(failure)
        _add_load_error(hello, failure.file, failure.code, message, stack)
    return hello


def _add_load_error(
    hello: runtime_pb2.Hello, file: str, code: str, message: str, stack: str
) -> None:
    error = error_pb2.StepError(
        code=code, message=message, stack=stack, language=LANGUAGE, type="LoadError"
    )
    hello.load_errors.add(file=file, error=error)


async def run(project: Path, address: str) -> int:
    steps, failures = load_steps(project)
    streams, stream_failures = load_streams(project)
    failures.extend(stream_failures)
    if any(step.message_type for step in steps):
        failures.extend(typed.load_generated(project, steps))
    conn = HostConnection(address)
    try:
        await conn.open(build_hello(steps, failures, streams))
    except ConnectionError as exc:
        print(f"stephost python runtime: {exc}", file=sys.stderr)
        return 2
    # Steps and libraries loaded now live as long as the process: keep them out of
    # the collector's full passes, which would otherwise stall handlers.
    gc.collect()
    gc.freeze()
    threads = int(os.environ.get("STEPHOST_PYTHON_THREADS", "32"))
    runtime = PythonRuntime(conn, steps, threads)
    reader = asyncio.create_task(
        conn.read_frames(runtime.on_invocation, runtime.on_cancel, runtime.on_drain)
    )
    done = asyncio.create_task(runtime.done.wait())
    await asyncio.wait({reader, done}, return_when=asyncio.FIRST_COMPLETED)
    await conn.close()
    reader.cancel()
    return 0


def main() -> None:
    address = os.environ.get("STEPHOST_HOST_ADDRESS")
    if not address:
        sys.exit("stephost python runtime: STEPHOST_HOST_ADDRESS is not set (the host sets it)")
    project = Path(os.environ.get("STEPHOST_PROJECT_DIR", ".")).resolve()
    os.chdir(project)
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    sys.exit(runner(run(project, address)))


if __name__ == "__main__":
    main()
