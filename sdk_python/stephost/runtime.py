"""The Python runtime process: ``python -m stephost.runtime``.

The host launches it with STEPHOST_HOST_ADDRESS (the gRPC address to dial),
STEPHOST_RUNTIME_KEY (what lets it in; removed from the environment at once, so
processes a handler starts never inherit it), STEPHOST_RUNTIME_ID and
STEPHOST_PROJECT_DIR in its environment (``stephost runtime --connect`` does the same
for a remote host, with a runtime token as the key, and TLS: ``_bridge/dial.py``). It loads the
project's Python steps, announces them in Hello, then runs invocations
concurrently until the host drains it or the stream ends.

With STEPHOST_RUNTIME_PARAMS=stdin, the address, id and key come as one JSON line on
stdin, read once the steps are loaded: the host starts it so before it has loaded
itself, and says where to connect once it can (``host.runtimes.prewarm``).
"""

from __future__ import annotations

import gc

if __name__ == "__main__":
    # Start-up (these imports, the steps) allocates what lives as long as the process:
    # collecting as it goes finds nothing to free. On again once the steps are loaded.
    gc.disable()

import asyncio
import dataclasses
import functools
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

import orjson

from stephost import motia
from stephost._bridge.connection import HostConnection
from stephost._bridge.dial import Dial
from stephost.context import Cancellation, Context, SyncContext
from stephost.errors import StepError
from stephost.invocation import Invocation
from stephost.loader import LoadedStep, load_generated, load_steps, load_streams, parse_message
from stephost.types import ApiResponse

# The exit code of a runtime that reached its memory limit (as a shell reports SIGKILL).
MEMORY_EXIT_CODE = 137
# "stdin": the host writes {"address", "id", "key"} there once the steps are loaded.
PARAMS_ENV = "STEPHOST_RUNTIME_PARAMS"


class PythonRuntime:
    """Runs invocations of the loaded steps; many at once on one event loop."""

    def __init__(self, conn: HostConnection, steps: list[LoadedStep], threads: int) -> None:
        self._conn = conn
        self._steps = {step.name: step for step in steps}
        self._tasks: dict[int, tuple[asyncio.Task[None], Cancellation]] = {}
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="step")
        self._loop = asyncio.get_running_loop()
        self._draining = False
        self._idle = asyncio.Event()

    def on_invocation(self, invocation: Invocation) -> None:
        cancellation = Cancellation()
        task = asyncio.create_task(self._run(invocation, cancellation))
        self._tasks[invocation.id] = (task, cancellation)
        task.add_done_callback(functools.partial(self._forget, invocation.id))

    def _forget(self, invocation_id: int, _task: object = None) -> None:
        self._tasks.pop(invocation_id, None)
        if self._draining and not self._tasks:
            self._idle.set()

    def on_cancel(self, invocation_id: int, reason: str) -> None:
        """ctx.cancelled becomes True, and the handler's task is cancelled (a sync
        handler's thread runs on: it sees the flag)."""
        running = self._tasks.get(invocation_id)
        if running is not None:
            task, cancellation = running
            cancellation.cancelled = True
            task.cancel(reason)

    async def on_drain(self) -> None:
        self._draining = True
        if self._tasks:
            await self._idle.wait()

    async def _run(self, invocation: Invocation, cancellation: Cancellation) -> None:
        step = self._steps.get(invocation.step)
        if step is None:
            error = StepError(
                f"this Python runtime has no step named {invocation.step!r}", code="UNKNOWN_STEP"
            )
            self._conn.send_failure(invocation.id, error, invocation.step)
            return
        try:
            output = await self._call(step, invocation, cancellation)
            # Encoded here, so that what is not JSON fails the invocation.
            if invocation.trigger == "api":
                self._conn.send_response(invocation.id, api_response(output))
            else:
                self._conn.send_output(invocation.id, output)
        except asyncio.CancelledError:
            return  # the host stopped waiting; a result would be ignored
        except BaseException as exc:  # user code may raise anything
            if isinstance(exc, MemoryError) and os.environ.get("STEPHOST_MEMORY_LIMIT_MB"):
                _at_memory_limit(step.name)
            self._conn.send_failure(invocation.id, exc, step.name)

    async def _call(
        self, step: LoadedStep, invocation: Invocation, cancellation: Cancellation
    ) -> Any:
        ctx = Context(
            self._conn,
            invocation.id,
            step.name,
            invocation.trace_id,
            invocation.attempt,
            deadline_ms=invocation.deadline_unix_ms,
            trace_state=invocation.tracestate,
            cancellation=cancellation,
            auth=invocation.auth,
        )
        if invocation.request is not None:
            request = invocation.request
            if step.message_type:
                body = parse_message(step.message_type, request.body)
                request = dataclasses.replace(request, body=body)
            args: tuple[Any, ...] = (request,)
        elif invocation.trigger == "event":
            payload = orjson.loads(invocation.payload) if invocation.payload else None
            args = (parse_message(step.message_type, payload) if step.message_type else payload,)
        else:
            args = ()
        if step.middleware:
            return await motia.with_middleware(
                step.middleware, args[0], ctx, functools.partial(self._handle, step, args, ctx)
            )
        return await self._handle(step, args, ctx)

    async def _handle(self, step: LoadedStep, args: tuple[Any, ...], ctx: Context) -> Any:
        if step.is_async:
            return await step.handler(*args, ctx)
        sync_ctx = SyncContext(ctx, self._loop)
        call = functools.partial(step.handler, *args, sync_ctx)
        return await self._loop.run_in_executor(self._pool, call)


def _at_memory_limit(step: str) -> NoReturn:
    """An isolated step's runtime reached its memory limit: nothing here can be trusted
    to run on, so it exits; the host restarts it and redelivers the event."""
    limit = os.environ.get("STEPHOST_MEMORY_LIMIT_MB")
    message = f"stephost python runtime: {step} reached the memory limit ({limit} MB); exiting"
    print(message, file=sys.stderr, flush=True)
    os._exit(MEMORY_EXIT_CODE)


def api_response(output: Any) -> ApiResponse:
    """What an api handler returned, as a response with string headers; a StepError
    BAD_RESPONSE (not retryable) says what is wrong with anything else."""
    headers: Any
    if isinstance(output, ApiResponse):
        status, body, headers = output.status, output.body, output.headers
    elif isinstance(output, dict) and "status" in output:
        status, body, headers = output["status"], output.get("body"), output.get("headers")
    else:
        raise _bad_response(
            "an api handler must return ApiResponse(status=..., body=...) or a dict with "
            f"'status' and 'body'; it returned {type(output).__name__}"
        )
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise _bad_response(f"status must be an integer from 100 to 599, got {status!r}")
    if headers is None:
        headers = {}
    if not isinstance(headers, dict):
        raise _bad_response(f"headers must be a dict, got {type(headers).__name__}")
    text: dict[str, str] = {}
    for name, value in headers.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise _bad_response(f"header {name!r} must be a string, got {type(value).__name__}")
        text[str(name)] = str(value)
    return ApiResponse(status=status, body=body, headers=text)


def _bad_response(message: str) -> StepError:
    return StepError(message, code="BAD_RESPONSE", retryable=False)


async def run(project: Path, address: Dial | str | None, key: str = "") -> int:
    """Loads the steps, then serves them to the host at ``address`` (None: the host
    writes where, and the key, on stdin: ``PARAMS_ENV``)."""
    steps, failures = load_steps(project)
    streams, stream_failures = load_streams(project)
    failures.extend(stream_failures)
    if any(step.message_type for step in steps):
        failures.extend(load_generated(project, steps))
    if address is None:
        address, key = _params_from_stdin()
    conn = HostConnection(address, key)
    try:
        await conn.open(steps, failures, streams)
    except ConnectionError as exc:
        print(f"stephost python runtime: {exc}", file=sys.stderr)
        return 2
    # Steps and libraries loaded now live as long as the process: keep them out of
    # the collector's full passes, which would otherwise stall handlers.
    gc.collect()
    gc.freeze()
    gc.enable()
    threads = int(os.environ.get("STEPHOST_PYTHON_THREADS", "32"))
    runtime = PythonRuntime(conn, steps, threads)
    reader = asyncio.create_task(conn.read_frames(runtime))
    done = asyncio.create_task(conn.drained.wait())
    await asyncio.wait({reader, done}, return_when=asyncio.FIRST_COMPLETED)
    await conn.close()
    reader.cancel()
    return 0


def _params_from_stdin() -> tuple[Dial, str]:
    """The address, id and key the host writes on stdin to a runtime it started before
    it could say them (``host.runtimes.prewarm``); end of input: it did not need us."""
    line = sys.stdin.buffer.readline()
    if not line:
        sys.exit(0)
    try:
        params = orjson.loads(line)
        os.environ["STEPHOST_HOST_ADDRESS"] = params["address"]
        os.environ["STEPHOST_RUNTIME_ID"] = params["id"]
        return Dial.from_env(params["address"]), params["key"]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        # (never the line itself: it holds the key)
        sys.exit(
            f"stephost python runtime: {PARAMS_ENV}=stdin, but its first line is not "
            f'{{"address", "id", "key"}} in JSON: {type(exc).__name__}: {exc}'
        )


def main() -> None:
    waiting = os.environ.pop(PARAMS_ENV, "") == "stdin"
    address = os.environ.get("STEPHOST_HOST_ADDRESS")
    if not address and not waiting:
        sys.exit("stephost python runtime: STEPHOST_HOST_ADDRESS is not set (the host sets it)")
    key = os.environ.pop("STEPHOST_RUNTIME_KEY", "")
    try:
        dial = Dial.from_env(address) if address and not waiting else None
    except ValueError as exc:
        sys.exit(f"stephost python runtime: {exc}")
    project = Path(os.environ.get("STEPHOST_PROJECT_DIR", ".")).resolve()
    os.chdir(project)
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    sys.exit(runner(run(project, dial, key)))


if __name__ == "__main__":
    main()
