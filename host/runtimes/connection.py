"""The host's end of one runtime's Connect stream.

Invocations go out and results come back on the same stream, correlated by
invocation id; the handler's calls back into the host arrive on it too and are
answered by call id. Outgoing messages are batched: whatever accumulates while a
write is in flight goes out in the next frame.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from stephost.v1 import calls_pb2, invocation_pb2, runtime_pb2

from ..catalog import StepConfig
from ..contract import failure_from_wire
from ..model import Failure, Outcome

# How many finished invocations a connection remembers, for late log lines.
RECENTLY_FINISHED = 1024

TRIGGERS = {
    "api": invocation_pb2.TRIGGER_API,
    "event": invocation_pb2.TRIGGER_EVENT,
    "cron": invocation_pb2.TRIGGER_CRON,
}


class CallHandler(Protocol):
    """Answers a handler's calls back into the host (see ``host.calls``)."""

    def handle(self, conn: RuntimeConnection, call: calls_pb2.HostCall) -> None: ...


@dataclass(slots=True)
class InFlight:
    """An invocation sent to the runtime and not yet answered."""

    future: asyncio.Future[Outcome]
    step: StepConfig
    trace_id: str
    span_id: str
    timer: asyncio.TimerHandle


class RuntimeConnection:
    """One connected runtime process."""

    def __init__(
        self,
        hello: runtime_pb2.Hello,
        calls: CallHandler,
        on_slot_free: Callable[[], None],
    ) -> None:
        self.hello = hello
        self.runtime_id = hello.runtime_id
        self.language = hello.language
        self.pid = hello.pid
        self.capacity = hello.capacity
        self.steps = frozenset(step.name for step in hello.steps)
        self.in_flight: dict[int, InFlight] = {}
        self._finished: OrderedDict[int, InFlight] = OrderedDict()
        self.draining = False
        self.closed = False
        self.drained = asyncio.Event()
        self.connected_at = time.time()
        self.last_seen = time.monotonic()
        self._calls = calls
        self._on_slot_free = on_slot_free
        self._ids = itertools.count(1)
        self._outbox: list[runtime_pb2.HostMessage] = []
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    @property
    def has_room(self) -> bool:
        return (
            not self.draining
            and not self.closed
            and (self.capacity == 0 or len(self.in_flight) < self.capacity)
        )

    def invoke(
        self,
        step: StepConfig,
        trigger: str,
        payload: bytes,
        *,
        attempt: int,
        trace_id: str,
        span_id: str,
        traceparent: str,
        topic: str = "",
        message_id: str = "",
    ) -> asyncio.Future[Outcome]:
        """Send one invocation; the future resolves with its outcome (never raises)."""
        invocation_id = next(self._ids)
        future: asyncio.Future[Outcome] = self._loop.create_future()
        timeout_s = step.timeout_ms / 1000
        timer = self._loop.call_later(timeout_s, self._expire, invocation_id)
        self.in_flight[invocation_id] = InFlight(future, step, trace_id, span_id, timer)
        invocation = invocation_pb2.Invocation(
            id=invocation_id,
            step=step.name,
            trigger=TRIGGERS[trigger],
            payload=payload,
            attempt=attempt,
            deadline_unix_ms=int(time.time() * 1000 + step.timeout_ms),
            topic=topic,
            message_id=message_id,
        )
        invocation.trace.traceparent = traceparent
        self.send(runtime_pb2.HostMessage(invocation=invocation))
        return future

    def invocation(self, invocation_id: int) -> InFlight | None:
        """The invocation, while it runs."""
        return self.in_flight.get(invocation_id)

    def recent_invocation(self, invocation_id: int) -> InFlight | None:
        """The invocation, while it runs or shortly after (log lines may arrive late)."""
        return self.in_flight.get(invocation_id) or self._finished.get(invocation_id)

    def _retire(self, invocation_id: int, entry: InFlight) -> None:
        self._finished[invocation_id] = entry
        if len(self._finished) > RECENTLY_FINISHED:
            self._finished.popitem(last=False)

    def _expire(self, invocation_id: int) -> None:
        entry = self.in_flight.pop(invocation_id, None)
        if entry is None:
            return
        self._retire(invocation_id, entry)
        entry.future.set_result(
            Outcome(
                failure=Failure(
                    code="TIMEOUT",
                    message=f"step {entry.step.name} did not finish within "
                    f"timeoutMs={entry.step.timeout_ms}",
                    type="TimeoutError",
                    language="host",
                    step=entry.step.name,
                    retryable=True,
                )
            )
        )
        self.send(
            runtime_pb2.HostMessage(
                cancel=invocation_pb2.Cancel(invocation_id=invocation_id, reason="timeout")
            )
        )
        self._on_slot_free()

    def _resolve(self, result: invocation_pb2.InvocationResult) -> None:
        entry = self.in_flight.pop(result.invocation_id, None)
        if entry is None:
            return  # it timed out already; the late result is ignored
        self._retire(result.invocation_id, entry)
        entry.timer.cancel()
        if result.WhichOneof("outcome") == "error":
            failure = failure_from_wire(result.error)
            if not failure.step:
                failure = _with_step(failure, entry.step.name)
            entry.future.set_result(Outcome(failure=failure))
        else:
            entry.future.set_result(Outcome(output=result.output))
        self._on_slot_free()

    def send(self, message: runtime_pb2.HostMessage) -> None:
        self._outbox.append(message)
        if not self._wake.is_set():
            self._wake.set()

    def reply(self, call_id: int, **reply: Any) -> None:
        self.send(runtime_pb2.HostMessage(reply=calls_pb2.HostCallReply(call_id=call_id, **reply)))

    def drain(self, grace_ms: int) -> None:
        """Stop sending work; the runtime finishes what it has and says Drained."""
        self.draining = True
        self.send(runtime_pb2.HostMessage(drain=runtime_pb2.Drain(grace_ms=grace_ms)))

    async def write_loop(self, write: Callable[[runtime_pb2.HostFrame], Any]) -> None:
        while not self.closed:
            await self._wake.wait()
            # One more turn of the loop lets the callbacks already due add their
            # messages, so that a burst leaves in one frame (one write) instead of many.
            await asyncio.sleep(0)
            self._wake.clear()
            batch, self._outbox = self._outbox, []
            if batch:
                await write(runtime_pb2.HostFrame(messages=batch))

    async def read_loop(self, frames: AsyncIterator[runtime_pb2.RuntimeFrame]) -> None:
        async for frame in frames:
            self.last_seen = time.monotonic()
            for message in frame.messages:
                kind = message.WhichOneof("kind")
                if kind == "result":
                    self._resolve(message.result)
                elif kind == "call":
                    self._calls.handle(self, message.call)
                elif kind == "drained":
                    self.drained.set()

    def close(self, reason: str) -> None:
        """The stream ended: every invocation still in flight fails as RUNTIME_LOST."""
        if self.closed:
            return
        self.closed = True
        self._wake.set()
        pending, self.in_flight = self.in_flight, {}
        for entry in pending.values():
            entry.timer.cancel()
            entry.future.set_result(
                Outcome(
                    failure=Failure(
                        code="RUNTIME_LOST",
                        message=f"the {self.language} runtime (pid {self.pid}) went away "
                        f"while running {entry.step.name}: {reason}",
                        type="RuntimeLostError",
                        language="host",
                        step=entry.step.name,
                        retryable=True,
                    )
                )
            )
        self._on_slot_free()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.runtime_id,
            "language": self.language,
            "pid": self.pid,
            "version": self.hello.runtime_version,
            "steps": sorted(self.steps),
            "inFlight": len(self.in_flight),
            "capacity": self.capacity,
            "draining": self.draining,
            "connectedAt": self.connected_at,
        }


def _with_step(failure: Failure, step: str) -> Failure:
    return replace(failure, step=step)
