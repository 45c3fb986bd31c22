"""The host's end of one runtime's Connect stream.

Invocations go out and results come back on the same stream, correlated by
invocation id; the handler's calls back into the host arrive on it too and are
answered by call id. A call is served only for an invocation sent on this
connection, in flight or lately finished (a cancelled handler may still clean up;
an emit needs it in flight): anything else (id 0, an id never sent here, another
runtime's) is refused. Outgoing messages are batched: whatever accumulates while a
write is in flight goes out in the next frame.

An invocation's future resolves with its ``Outcome`` (the handler returned or
failed), or with a ``TransportError``: the step's timeout passed, or the stream
ended first.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from stephost.v1 import calls_pb2, invocation_pb2, runtime_pb2

from ..catalog import StepConfig
from ..errors import (
    InvocationCancelledError,
    InvocationTimeoutError,
    RuntimeLostError,
    TransportError,
)
from ..invocation import Cancellation, Invocation, Outcome
from ..model import RuntimeInfo
from . import calls, wire
from .calls import HostServices

# How many finished invocations a connection remembers, for late log lines.
RECENTLY_FINISHED = 1024
# A frame may carry thousands of calls (a handler emitting 20,000 events at once). This
# many of its messages are handled in one turn of the loop; the rest wait, handled as
# many a turn, while the rest of the host (HTTP, other runtimes, the replies and
# invocations due) has its turns, and the next frames are read meanwhile.
MESSAGES_PER_TURN = 256
# Beyond this many waiting messages, the next frame is read only once they are handled
# (a runtime that sends calls without end is slowed down, not buffered without end).
MAX_WAITING = 1024 * MESSAGES_PER_TURN


@dataclass(slots=True)
class InFlight:
    """An invocation sent to the runtime and not yet answered."""

    id: int
    invocation: Invocation
    future: asyncio.Future[Outcome]
    timer: asyncio.TimerHandle

    @property
    def step(self) -> StepConfig:
        return self.invocation.step


class RuntimeConnection:
    """One connected runtime process."""

    def __init__(
        self, info: RuntimeInfo, services: HostServices, on_slot_free: Callable[[], None]
    ) -> None:
        self.info = info
        self.runtime_id = info.runtime_id
        self.language = info.language
        self.group = info.group or info.language  # see host.runtimes.groups
        self.pid = info.pid
        self.capacity = info.capacity
        self.steps = frozenset(step.name for step in info.steps)
        self.in_flight: dict[int, InFlight] = {}
        self._finished: OrderedDict[int, Invocation] = OrderedDict()
        self.draining = False
        self.reserved = False  # for one invocation that must run alone (RuntimePool.invoke)
        self.closed = False
        self.drained = asyncio.Event()
        self.connected_at = time.time()
        self.where = "local"  # or, for a remote runtime, "<machine> at <address>"
        self.last_seen = time.monotonic()
        self.services = services
        self._on_slot_free = on_slot_free
        self._ids = itertools.count(1)
        # The next frame. Messages are written straight into it (``_next``): building one
        # elsewhere and adding it would copy it, on every message.
        self._outbox = runtime_pb2.HostFrame()
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._call_tasks: set[asyncio.Task[None]] = set()  # calls being answered
        self._waiting: deque[runtime_pb2.RuntimeMessage] = deque()  # read, not yet handled
        self._calls_waiting: Counter[int] = Counter()  # by invocation id
        self._handling: asyncio.Task[None] | None = None  # handles the waiting messages
        self._handling_failed: BaseException | None = None  # raised by the read loop

    @property
    def has_room(self) -> bool:
        return (
            not self.draining
            and not self.closed
            and not self.reserved
            and (self.capacity == 0 or len(self.in_flight) < self.capacity)
        )

    def invoke(self, invocation: Invocation, cancellation: Cancellation | None = None) -> InFlight:
        """Send one invocation; its future resolves with the outcome or a TransportError
        (InvocationCancelledError once ``cancellation`` is cancelled)."""
        invocation_id = next(self._ids)
        future: asyncio.Future[Outcome] = self._loop.create_future()
        timeout_ms = invocation.step.timeout_ms
        timer = self._loop.call_later(timeout_ms / 1000, self._expire, invocation_id)
        entry = InFlight(invocation_id, invocation, future, timer)
        self.in_flight[invocation_id] = entry
        deadline_ms = int(time.time() * 1000) + timeout_ms
        wire.fill_invocation(self._next(), invocation_id, invocation, deadline_ms)
        if cancellation is not None:
            cancellation.on_cancel(partial(self.cancel, invocation_id))
        return entry

    def cancel(self, invocation_id: int, reason: str) -> None:
        """Stop waiting for an invocation and tell the runtime, which cancels the handler;
        a result that still comes is ignored. Nothing happens once it has finished."""
        entry = self.in_flight.get(invocation_id)
        if entry is not None:
            step = entry.invocation.step.name
            self._stop(
                invocation_id,
                InvocationCancelledError(f"{step} was cancelled: {reason}", step=step),
                reason,
            )

    def invocation(self, invocation_id: int) -> Invocation | None:
        """The invocation, while it runs."""
        entry = self.in_flight.get(invocation_id)
        return entry.invocation if entry is not None else None

    def recent_invocation(self, invocation_id: int) -> Invocation | None:
        """The invocation, while it runs or shortly after (log lines may arrive late)."""
        return self.invocation(invocation_id) or self._finished.get(invocation_id)

    def _retire(self, invocation_id: int) -> InFlight | None:
        entry = self.in_flight.pop(invocation_id, None)
        if entry is not None:
            self._finished[invocation_id] = entry.invocation
            if len(self._finished) > RECENTLY_FINISHED:
                self._finished.popitem(last=False)
        return entry

    def _expire(self, invocation_id: int) -> None:
        entry = self.in_flight.get(invocation_id)
        if entry is not None:
            step = entry.invocation.step
            error = InvocationTimeoutError(
                f"step {step.name} did not finish within timeoutMs={step.timeout_ms}",
                step=step.name,
            )
            self._stop(invocation_id, error, "timeout")

    def _stop(self, invocation_id: int, error: TransportError, reason: str) -> None:
        entry = self._retire(invocation_id)
        if entry is None:
            return
        entry.timer.cancel()
        if not entry.future.done():
            entry.future.set_exception(error)
        cancel = self._next().cancel
        cancel.invocation_id = invocation_id
        cancel.reason = reason
        self._on_slot_free()

    def _resolve(self, result: invocation_pb2.InvocationResult) -> None:
        entry = self._retire(result.invocation_id)
        if entry is None:
            return  # it timed out already, or was never sent: a late result is ignored
        entry.timer.cancel()
        outcome = wire.outcome(result)
        if outcome.failure is not None and not outcome.failure.step:
            step = entry.invocation.step.name
            outcome = replace(outcome, failure=replace(outcome.failure, step=step))
        if not entry.future.done():
            entry.future.set_result(outcome)
        self._on_slot_free()

    def _next(self) -> runtime_pb2.HostMessage:
        """A new message at the end of the next frame, to be filled in now."""
        if not self._wake.is_set():
            self._wake.set()
        return self._outbox.messages.add()

    def reply(self, reply: calls_pb2.HostCallReply) -> None:
        self._next().reply.CopyFrom(reply)

    def heartbeat(self) -> None:
        self._next().heartbeat.sent_unix_ms = int(time.time() * 1000)

    def drain(self, grace_ms: int) -> None:
        """Stop sending work; the runtime finishes what it has and says Drained."""
        self.draining = True
        self._next().drain.grace_ms = grace_ms

    async def write_loop(self, write: Callable[[runtime_pb2.HostFrame], Any]) -> None:
        while not self.closed:
            await self._wake.wait()
            # One more turn of the loop lets the callbacks already due add their
            # messages, so that a burst leaves in one frame (one write) instead of many.
            await asyncio.sleep(0)
            self._wake.clear()
            frame, self._outbox = self._outbox, runtime_pb2.HostFrame()
            if frame.messages:
                await write(frame)

    async def read_loop(self, frames: AsyncIterator[runtime_pb2.RuntimeFrame]) -> None:
        """Handle the runtime's messages in order, but for a result: it goes ahead of
        other invocations' waiting calls (an api step's answer does not wait for a burst
        of another step's emits), never of its own invocation's."""
        async for frame in frames:
            self._raise_handling_failure()
            self.last_seen = time.monotonic()
            this_turn = 0 if self._waiting else MESSAGES_PER_TURN  # how many more
            for message in frame.messages:
                if this_turn:
                    this_turn -= 1
                    self._handle(message)
                elif (
                    message.WhichOneof("kind") == "result"
                    and not self._calls_waiting[message.result.invocation_id]
                ):
                    self._handle(message)
                else:
                    self._wait(message)
            if len(self._waiting) > MAX_WAITING and self._handling is not None:
                await asyncio.shield(self._handling)
        if self._handling is not None:  # all that was read is handled before the end
            await asyncio.shield(self._handling)
        self._raise_handling_failure()

    def _raise_handling_failure(self) -> None:
        """A message that failed while waiting fails the read loop, as one handled at once
        would (the stream ends)."""
        if self._handling_failed is not None:
            raise self._handling_failed

    def _handle(self, message: runtime_pb2.RuntimeMessage) -> None:
        kind = message.WhichOneof("kind")
        if kind == "result":
            self._resolve(message.result)
        elif kind == "call":
            self._serve(message.call)
        elif kind == "drained":
            self.drained.set()

    def _wait(self, message: runtime_pb2.RuntimeMessage) -> None:
        self._waiting.append(message)
        if message.WhichOneof("kind") == "call":
            self._calls_waiting[message.call.invocation_id] += 1
        if self._handling is None:
            self._handling = asyncio.create_task(self._handle_waiting())

    async def _handle_waiting(self) -> None:
        """Handle the waiting messages, ``MESSAGES_PER_TURN`` a turn."""
        try:
            while self._waiting:
                await asyncio.sleep(0)  # the rest of the host has a turn first
                for _ in range(min(MESSAGES_PER_TURN, len(self._waiting))):
                    message = self._waiting.popleft()
                    if message.WhichOneof("kind") == "call":
                        invocation_id = message.call.invocation_id
                        self._calls_waiting[invocation_id] -= 1
                        if not self._calls_waiting[invocation_id]:
                            del self._calls_waiting[invocation_id]
                    self._handle(message)
        except Exception as exc:
            self._handling_failed = exc
        finally:
            self._handling = None

    def _serve(self, call: calls_pb2.HostCall) -> None:
        if call.WhichOneof("call") == "log":
            invocation = self.recent_invocation(call.invocation_id)
            calls.log_record(self.services, self.info, invocation, call.log)
            return
        if self.recent_invocation(call.invocation_id) is None:
            self.reply(calls.not_in_invocation(call))  # not a handler of this connection
            return
        invocation = self.invocation(call.invocation_id)
        answering = calls.answer(self.services, call, invocation, self.reply, self.language)
        if answering is None:  # an emit: answered from a callback
            return
        task = asyncio.create_task(answering)
        self._call_tasks.add(task)
        task.add_done_callback(self._call_tasks.discard)

    def close(self, reason: str) -> None:
        """The stream ended: every invocation still in flight fails as RUNTIME_LOST."""
        if self.closed:
            return
        self.closed = True
        self._wake.set()
        pending, self.in_flight = self.in_flight, {}
        alone = len(pending) == 1
        for entry in pending.values():
            entry.timer.cancel()
            step = entry.invocation.step.name
            if not entry.future.done():
                entry.future.set_exception(
                    RuntimeLostError(
                        f"the {self.language} runtime (pid {self.pid}) went away while "
                        f"running {step}: {reason}",
                        step=step,
                        alone=alone,
                    )
                )
        self._on_slot_free()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.runtime_id,
            "language": self.language,
            "group": self.group,
            "pid": self.pid,
            "version": self.info.version,
            "steps": sorted(self.steps),
            "inFlight": len(self.in_flight),
            "capacity": self.capacity,
            "draining": self.draining,
            "connectedAt": self.connected_at,
            "where": self.where,
        }
