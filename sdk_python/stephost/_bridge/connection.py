"""The runtime's end of the Connect stream to the host.

One bidirectional gRPC stream carries everything. Outgoing messages are queued
and written in batches (one frame per write), so under load a single write moves
many results and calls. Calls into the host are correlated by ``call_id``.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

import grpc
import orjson

from stephost._bridge import wire
from stephost._bridge.dial import Dial, Retry
from stephost._bridge.errors import from_wire, to_wire
from stephost.errors import StepError
from stephost.invocation import Invocation
from stephost.loader import FileFailure, LoadedStep, LoadedStream
from stephost.types import ApiResponse, StateItem, StreamItem
from stephost.v1 import calls_pb2, runtime_pb2, runtime_pb2_grpc

# Payloads are bounded by the host's body limit; leave generous room for batches.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]
# The largest single message the host takes (its max_message_bytes): a call or result
# over it fails alone, with MESSAGE_TOO_LARGE, instead of breaking the stream.
MESSAGE_LIMIT = int(os.environ.get("STEPHOST_MAX_MESSAGE_BYTES") or 16 * 1024 * 1024)
_dumps = wire.dumps


T = TypeVar("T")
Reply = calls_pb2.HostCallReply


def _itself(reply: Reply) -> Reply:
    return reply


def _message_id(reply: Reply) -> str:
    return reply.emit.message_id


class CallFuture(asyncio.Future[T]):
    """The future of a call into the host, which asyncio also takes as a coroutine:
    `gather` and `wait_for` use it as it is (no task each), and `create_task` or a
    TaskGroup, which want a coroutine, get one that waits for it (they did, when
    ``ctx.emit`` was a coroutine function)."""

    def send(self, _value: None) -> CallFuture[T]:
        if not self.done():
            self._asyncio_future_blocking = True  # what a task waits on, as `await` does
            return self
        raise StopIteration(self.result())

    def throw(self, typ: Any, value: BaseException | None = None, _tb: Any = None) -> CallFuture[T]:
        raise value if value is not None else typ

    def close(self) -> None:
        pass


def _settle(future: asyncio.Future[T], value: Callable[[Reply], T], reply: Reply) -> None:
    """Resolve a call's future from its reply: the host's error, or ``value(reply)``."""
    if future.done():
        return
    if reply.WhichOneof("reply") == "error":
        future.set_exception(from_wire(reply.error))
    else:
        future.set_result(value(reply))


def _too_large(what: str, size: int) -> StepError:
    return StepError(
        f"{what} is {size} bytes; the host takes messages up to {MESSAGE_LIMIT} bytes "
        "(max_message_bytes)",
        code="MESSAGE_TOO_LARGE",
        retryable=False,
    )


# The call metadata that carries the runtime's key (the host's bridge/admission.py).
KEY_METADATA = "stephost-runtime-key"
# What a host that is not up (yet) answers: dialed again. Anything else is a refusal.
RETRIED = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class HostUnreachableError(Exception):
    """Nobody answered at the host's address (yet): worth dialing again."""


class Runner(Protocol):
    """What runs the invocations the host sends (the runtime)."""

    def on_invocation(self, invocation: Invocation) -> None: ...

    def on_cancel(self, invocation_id: int, reason: str) -> None:
        """The host stopped waiting (timeout, client gone): stop the handler."""
        ...

    async def on_drain(self) -> None:
        """Take no more work; return once nothing runs."""
        ...


class HostConnection:
    """Implements ``stephost.context.HostLink`` over the Connect stream."""

    def __init__(self, dial: Dial | str, key: str = "") -> None:
        self._dial = Dial(dial) if isinstance(dial, str) else dial
        self._key = key  # sent as call metadata: the gateway admits no runtime without it
        self._channel: grpc.aio.Channel | None = None
        self._call: Any = None
        self._outbox = runtime_pb2.RuntimeFrame()  # the next frame
        self._wake = asyncio.Event()
        # Per call waiting for its reply: its future, and what makes the reply its value.
        self._pending: dict[int, tuple[asyncio.Future[Any], Callable[[Reply], Any]]] = {}
        self._call_ids = itertools.count(1)
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self._drain_task: asyncio.Task[None] | None = None
        self.closed = False
        self.drained = asyncio.Event()  # set once Drained is queued

    async def open(
        self,
        steps: list[LoadedStep],
        failures: list[FileFailure],
        streams: Sequence[LoadedStream] = (),
    ) -> None:
        """Dial the host, announce the steps and streams (and the files that failed) in
        Hello, and wait for Welcome. A host that does not answer is dialed again with
        backoff (a line on stderr each time), until ``dial``'s limit; ConnectionError
        when the host refuses the runtime, or the limit passed."""
        hello = wire.hello(steps, failures, streams)
        retry = Retry(self._dial.timeout_s)
        while True:
            try:
                await self._try_open(hello)
                return
            except HostUnreachableError as exc:
                wait = retry.next_wait()
                if wait is None:
                    raise ConnectionError(str(exc)) from None
                print(f"stephost python runtime: {exc}; retrying in {wait:g}s", file=sys.stderr)
                await asyncio.sleep(wait)

    async def _try_open(self, hello: runtime_pb2.Hello) -> None:
        if self._channel is not None:
            await self._channel.close()
        self._channel = self._dial.channel(CHANNEL_OPTIONS)
        stub = runtime_pb2_grpc.RuntimeServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._call = stub.Connect(metadata=((KEY_METADATA, self._key),))
        try:
            await self._call.write(
                runtime_pb2.RuntimeFrame(messages=[runtime_pb2.RuntimeMessage(hello=hello)])
            )
            frame = await self._call.read()
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            frame = grpc.aio.EOF  # the call ended at once: its status says why
        if frame is grpc.aio.EOF:
            status = await self._call.code()
            details = await self._call.details()
            if status in RETRIED:
                raise HostUnreachableError(
                    f"cannot reach the host at {self._dial.address} ({status.name}: {details})"
                )
            raise ConnectionError(f"host refused the runtime ({status.name}): {details}")
        first = frame.messages[0]
        if first.WhichOneof("kind") != "welcome":
            raise ConnectionError(f"host answered Hello with {first.WhichOneof('kind')}")
        self._writer = asyncio.create_task(self._write_loop())

    async def read_frames(self, runner: Runner) -> None:
        """Dispatch host messages until the stream ends."""
        call = self._call
        try:
            while True:
                frame = await call.read()
                if frame is grpc.aio.EOF:
                    _ended(await call.code(), await call.details())
                    return
                for message in frame.messages:
                    kind = message.WhichOneof("kind")
                    if kind == "invocation":
                        runner.on_invocation(wire.invocation(message.invocation))
                    elif kind == "reply":
                        waiting = self._pending.pop(message.reply.call_id, None)
                        if waiting is not None:
                            _settle(*waiting, message.reply)
                    elif kind == "heartbeat":
                        self._next().heartbeat.sent_unix_ms = _now_ms()
                    elif kind == "cancel":
                        runner.on_cancel(message.cancel.invocation_id, message.cancel.reason)
                    elif kind == "drain":
                        self._drain_task = asyncio.create_task(self._drain(runner))
        except grpc.aio.AioRpcError as exc:
            _ended(exc.code(), exc.details())
            return
        finally:
            self.closed = True
            for future, _value in self._pending.values():
                if not future.done():
                    future.set_exception(
                        StepError("the connection to the host closed", code="RUNTIME_LOST")
                    )
            self._pending.clear()

    async def _drain(self, runner: Runner) -> None:
        await runner.on_drain()
        self._next().drained.SetInParent()
        self.drained.set()

    # A result is encoded first (what is not JSON raises before anything is queued),
    # then written straight into the next frame: adding a message built elsewhere would
    # copy it. Called on the loop's thread.

    def send_output(self, invocation_id: int, value: Any) -> None:
        """The handler returned ``value`` (JSON)."""
        data = wire.dumps(value)
        if len(data) > MESSAGE_LIMIT:
            raise _too_large("the handler's result", len(data))
        wire.fill_output(self._next(), invocation_id, data)

    def send_response(self, invocation_id: int, response: ApiResponse) -> None:
        """An api handler returned ``response``."""
        body = wire.dumps(response.body)
        if len(body) > MESSAGE_LIMIT:
            raise _too_large("the response body", len(body))
        wire.fill_response(self._next(), invocation_id, response, body)

    def send_failure(self, invocation_id: int, exc: BaseException, step: str) -> None:
        """The handler (or the runtime, for it) raised ``exc``."""
        error = to_wire(exc, step)
        result = self._next().result
        result.invocation_id = invocation_id
        result.error.CopyFrom(error)

    def _next(self) -> runtime_pb2.RuntimeMessage:
        """A new message at the end of the next frame, to be filled in now (on the loop's
        thread)."""
        if not self._wake.is_set():
            self._wake.set()
        return self._outbox.messages.add()

    def send(self, message: runtime_pb2.RuntimeMessage) -> None:
        """Queue a message for the next frame; safe from any thread."""
        if threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self.send, message)
            return
        self._next().CopyFrom(message)

    async def _write_loop(self) -> None:
        call = self._call
        try:
            while True:
                await self._wake.wait()
                # One more turn of the loop lets results already due join this frame.
                await asyncio.sleep(0)
                self._wake.clear()
                frame, self._outbox = self._outbox, runtime_pb2.RuntimeFrame()
                if frame.messages:
                    await call.write(frame)
                if self._closing and not self._outbox.messages:
                    await call.done_writing()
                    return
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            self.closed = True

    async def close(self) -> None:
        """Write what is queued, end the stream, and close the channel."""
        self._closing = True
        self._wake.set()
        if self._writer is not None and not self.closed:
            try:
                await asyncio.wait_for(self._writer, timeout=5)
            except TimeoutError:
                self._writer.cancel()
        if self._channel is not None:
            await self._channel.close()

    def _send_call(
        self, invocation_id: int, value: Callable[[Reply], T], **call: Any
    ) -> asyncio.Future[T]:
        """Queue one call now (on the loop's thread); its future resolves with
        ``value(reply)``, or fails with the host's error."""
        if self.closed:
            raise StepError("the connection to the host closed", code="RUNTIME_LOST")
        call_id = next(self._call_ids)
        message = runtime_pb2.RuntimeMessage(
            call=calls_pb2.HostCall(call_id=call_id, invocation_id=invocation_id, **call)
        )
        size = message.ByteSize()
        if size > MESSAGE_LIMIT:
            kind = message.call.WhichOneof("call")
            raise _too_large(f"this {kind} call", size)
        future: CallFuture[T] = CallFuture(loop=self._loop)
        self._pending[call_id] = (future, value)
        self._next().CopyFrom(message)
        return future

    async def _request(self, invocation_id: int, **call: Any) -> Reply:
        return await self._send_call(invocation_id, _itself, **call)

    # -- stephost.context.HostLink -------------------------------------------------

    def emit(
        self,
        invocation_id: int,
        topic: str,
        data: Any,
        group_id: str,
        idempotency_key: str,
        delay_ms: int,
        priority: int | None = None,
    ) -> Awaitable[str]:
        # Queued at once, and a future rather than a coroutine: `gather` of many emits
        # makes no task per emit (a third of a burst's cost in the runtime). Off the
        # loop's thread, a coroutine to run on it (`run_coroutine_threadsafe`), as before.
        request = calls_pb2.EmitRequest(
            topic=topic,
            data=_dumps(data),
            group_id=group_id,
            idempotency_key=idempotency_key,
            delay_ms=delay_ms,
            priority=priority,
        )
        if threading.get_ident() != self._loop_thread:
            return self._emit_on_loop(invocation_id, request)
        return self._send_call(invocation_id, _message_id, emit=request)

    async def _emit_on_loop(self, invocation_id: int, request: calls_pb2.EmitRequest) -> str:
        return await self._send_call(invocation_id, _message_id, emit=request)

    async def state_get(self, invocation_id: int, group: str, key: str) -> Any:
        reply = await self._request(
            invocation_id, state_get=calls_pb2.StateGetRequest(group=group, key=key)
        )
        return orjson.loads(reply.state_get.value) if reply.state_get.found else None

    async def state_set(self, invocation_id: int, group: str, key: str, value: Any) -> None:
        await self._request(
            invocation_id,
            state_set=calls_pb2.StateSetRequest(group=group, key=key, value=_dumps(value)),
        )

    async def state_delete(self, invocation_id: int, group: str, key: str) -> bool:
        reply = await self._request(
            invocation_id, state_delete=calls_pb2.StateDeleteRequest(group=group, key=key)
        )
        return reply.state_delete.deleted

    async def state_list(self, invocation_id: int, group: str) -> list[StateItem]:
        reply = await self._request(
            invocation_id, state_list=calls_pb2.StateListRequest(group=group)
        )
        return [
            {"key": item.key, "value": orjson.loads(item.value)} for item in reply.state_list.items
        ]

    async def state_clear(self, invocation_id: int, group: str) -> int:
        reply = await self._request(
            invocation_id, state_clear=calls_pb2.StateClearRequest(group=group)
        )
        return reply.state_clear.deleted

    async def stream_set(
        self, invocation_id: int, stream: str, group: str, item_id: str, value: Any
    ) -> None:
        await self._request(
            invocation_id,
            stream_set=calls_pb2.StreamSetRequest(
                stream=stream, group=group, id=item_id, value=_dumps(value)
            ),
        )

    async def stream_delete(
        self, invocation_id: int, stream: str, group: str, item_id: str
    ) -> bool:
        reply = await self._request(
            invocation_id,
            stream_delete=calls_pb2.StreamDeleteRequest(stream=stream, group=group, id=item_id),
        )
        return reply.stream_delete.deleted

    async def stream_send(
        self, invocation_id: int, stream: str, group: str, event: Any, item_id: str
    ) -> None:
        await self._request(
            invocation_id,
            stream_send=calls_pb2.StreamSendRequest(
                stream=stream, group=group, event=_dumps(event), id=item_id
            ),
        )

    async def stream_get(self, invocation_id: int, stream: str, group: str, item_id: str) -> Any:
        reply = await self._request(
            invocation_id,
            stream_get=calls_pb2.StreamGetRequest(stream=stream, group=group, id=item_id),
        )
        return orjson.loads(reply.stream_get.value) if reply.stream_get.found else None

    async def stream_list(self, invocation_id: int, stream: str, group: str) -> list[StreamItem]:
        reply = await self._request(
            invocation_id, stream_list=calls_pb2.StreamListRequest(stream=stream, group=group)
        )
        return [
            {"id": item.id, "value": orjson.loads(item.value)} for item in reply.stream_list.items
        ]

    def log(self, invocation_id: int, level: str, message: str, fields: dict[str, Any]) -> None:
        record = calls_pb2.LogRecord(
            level=level,
            message=str(message),
            fields=_dumps(fields) if fields else b"",
            time_unix_ms=_now_ms(),
        )
        self.send(
            runtime_pb2.RuntimeMessage(
                call=calls_pb2.HostCall(invocation_id=invocation_id, log=record)
            )
        )


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ended(code: grpc.StatusCode, details: str | None) -> None:
    """The stream ended: say why, unless the host ended it as planned (after Drained)."""
    if code != grpc.StatusCode.OK:
        print(
            f"stephost python runtime: the connection to the host ended ({code.name}: {details})",
            file=sys.stderr,
        )
