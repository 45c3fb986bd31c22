"""A runtime in this process, for tests of the host's side of the wire.

``FakeRuntime`` dials a real ``Gateway`` over a real gRPC stream and speaks the real
frames: it says Hello with the steps it claims, records every invocation and Cancel
it receives, and answers only when the test tells it to (or never: a timeout; or it
hangs up: a runtime lost mid-call). What the test sees are plain values.

    runtime = FakeRuntime.admitted(gateway.address, admission, steps=["Echo"], capacity=2)
    await runtime.connect()
    received = await runtime.next_invocation()
    runtime.answer(received.id, b'{"ok": true}')
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass
from typing import Any

import grpc
import orjson

from stephost.v1 import calls_pb2, error_pb2, invocation_pb2, runtime_pb2, runtime_pb2_grpc

from ..invocation import ApiRequest
from .admission import KEY_METADATA, Admission
from .wire import CONTRACT_VERSION

_TRIGGERS = {value: name for name, value in invocation_pb2.Trigger.items()}


@dataclass(frozen=True, slots=True)
class Received:
    """An invocation the fake runtime received."""

    id: int
    step: str
    trigger: str  # "TRIGGER_API", "TRIGGER_EVENT", "TRIGGER_CRON"
    payload: bytes
    request: ApiRequest | None
    attempt: int
    traceparent: str
    tracestate: str
    deadline_unix_ms: int
    topic: str
    message_id: str


class FakeRuntime:
    """One runtime connection, scripted by the test."""

    def __init__(
        self,
        address: str,
        *,
        steps: list[str],
        language: str = "python",
        capacity: int = 0,
        runtime_id: str = "fake-1",
        key: str = "",
    ) -> None:
        self._address = address
        self._key = key
        self._hello = runtime_pb2.Hello(
            contract_version=CONTRACT_VERSION,
            language=language,
            runtime_version="fake 1",
            pid=1,
            runtime_id=runtime_id,
            capacity=capacity,
            steps=[
                runtime_pb2.StepDefinition(name=name, file=f"steps/{name}.fake", config=b"{}")
                for name in steps
            ],
        )
        self.invocations: asyncio.Queue[Received] = asyncio.Queue()
        self.cancels: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        self.drains = 0
        self._replies: dict[int, asyncio.Future[calls_pb2.HostCallReply]] = {}
        self._call_ids = itertools.count(1)
        self._channel: grpc.aio.Channel | None = None
        self._call: Any = None
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    def admitted(cls, address: str, admission: Admission, **options: Any) -> FakeRuntime:
        """A fake runtime with a ticket of its own, for the files of its steps."""
        steps = options.get("steps", [])
        ticket = admission.issue(
            options.get("runtime_id", "fake-1"),
            options.get("language", "python"),
            lambda: [f"steps/{name}.fake" for name in steps],
        )
        return cls(address, key=ticket.key, **options)

    async def connect(self) -> None:
        """Dial, say Hello, and wait for the Welcome."""
        self._channel = grpc.aio.insecure_channel(self._address)
        stub = runtime_pb2_grpc.RuntimeServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._call = stub.Connect(metadata=((KEY_METADATA, self._key),))
        await self._write(runtime_pb2.RuntimeMessage(hello=self._hello))
        try:
            first = await self._call.read()
        except grpc.aio.AioRpcError as exc:
            raise ConnectionError(f"the host refused the fake runtime: {exc.details()}") from None
        if first is grpc.aio.EOF or first.messages[0].WhichOneof("kind") != "welcome":
            raise ConnectionError(
                f"the host did not welcome the fake runtime: {await self._call.details()}"
            )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(grpc.aio.AioRpcError, asyncio.CancelledError):
            while (frame := await self._call.read()) is not grpc.aio.EOF:
                for message in frame.messages:
                    await self._on(message)

    async def _on(self, message: runtime_pb2.HostMessage) -> None:
        kind = message.WhichOneof("kind")
        if kind == "invocation":
            self.invocations.put_nowait(_received(message.invocation))
        elif kind == "cancel":
            self.cancels.put_nowait((message.cancel.invocation_id, message.cancel.reason))
        elif kind == "reply":
            future = self._replies.pop(message.reply.call_id, None)
            if future is not None:
                future.set_result(message.reply)
        elif kind == "heartbeat":
            await self._write(runtime_pb2.RuntimeMessage(heartbeat=runtime_pb2.Heartbeat()))
        elif kind == "drain":
            self.drains += 1
            await self._write(runtime_pb2.RuntimeMessage(drained=runtime_pb2.Drained()))

    async def _write(self, *messages: runtime_pb2.RuntimeMessage) -> None:
        await self._call.write(runtime_pb2.RuntimeFrame(messages=messages))

    async def next_invocation(self, timeout_s: float = 5.0) -> Received:
        return await asyncio.wait_for(self.invocations.get(), timeout_s)

    async def next_cancel(self, timeout_s: float = 5.0) -> tuple[int, str]:
        return await asyncio.wait_for(self.cancels.get(), timeout_s)

    # -- answers ------------------------------------------------------------------

    async def answer(self, invocation_id: int, output: bytes = b"null") -> None:
        """The handler returned ``output`` (JSON); any id may be answered, known or not."""
        result = invocation_pb2.InvocationResult(invocation_id=invocation_id, output=output)
        await self._write(runtime_pb2.RuntimeMessage(result=result))

    async def respond(
        self,
        invocation_id: int,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        """An api handler returned this response."""
        response = invocation_pb2.ApiResponse(status=status, headers=headers or {}, body=body)
        result = invocation_pb2.InvocationResult(invocation_id=invocation_id, response=response)
        await self._write(runtime_pb2.RuntimeMessage(result=result))

    async def fail(
        self, invocation_id: int, code: str, message: str, *, retryable: bool = True
    ) -> None:
        """The handler raised."""
        error = error_pb2.StepError(
            code=code, message=message, type="FakeError", language="fake", retryable=retryable
        )
        result = invocation_pb2.InvocationResult(invocation_id=invocation_id, error=error)
        await self._write(runtime_pb2.RuntimeMessage(result=result))

    async def call(self, invocation_id: int, kind: str, **fields: Any) -> Any:
        """A handler's call into the host (``kind`` is a HostCall field, e.g. "state_set",
        with its request's fields); the reply's value, or ``{"error": {...}}``."""
        call_id = next(self._call_ids)
        future: asyncio.Future[calls_pb2.HostCallReply] = asyncio.get_running_loop().create_future()
        self._replies[call_id] = future
        request_type = type(getattr(calls_pb2.HostCall(), kind))
        call = calls_pb2.HostCall(
            call_id=call_id, invocation_id=invocation_id, **{kind: request_type(**fields)}
        )
        await self._write(runtime_pb2.RuntimeMessage(call=call))
        reply = await asyncio.wait_for(future, 5.0)
        answer = reply.WhichOneof("reply")
        if answer == "error":
            return {"error": {"code": reply.error.code, "message": reply.error.message}}
        return getattr(reply, answer or "")

    async def log(self, invocation_id: int, level: str, message: str, **fields: Any) -> None:
        record = calls_pb2.LogRecord(
            level=level, message=message, fields=orjson.dumps(fields) if fields else b""
        )
        call = calls_pb2.HostCall(invocation_id=invocation_id, log=record)
        await self._write(runtime_pb2.RuntimeMessage(call=call))

    async def hang_up(self) -> None:
        """The runtime goes away: the stream ends (as when its process dies)."""
        if self._reader is not None:
            self._reader.cancel()
        if self._channel is not None:
            await self._channel.close()


def _received(message: invocation_pb2.Invocation) -> Received:
    request = None
    if message.HasField("request"):
        wire = message.request
        request = ApiRequest(
            method=wire.method,
            path=wire.path,
            path_params=dict(wire.path_params),
            query_params={name: list(q.values) for name, q in wire.query_params.items()},
            headers=dict(wire.headers),
            body=wire.body,
        )
    return Received(
        id=message.id,
        step=message.step,
        trigger=_TRIGGERS[message.trigger],
        payload=message.payload,
        request=request,
        attempt=message.attempt,
        traceparent=message.trace.traceparent,
        tracestate=message.trace.tracestate,
        deadline_unix_ms=message.deadline_unix_ms,
        topic=message.topic,
        message_id=message.message_id,
    )
