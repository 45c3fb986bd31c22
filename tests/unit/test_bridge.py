"""The host's side of the wire, against a fake runtime speaking the real frames over a
real gRPC stream (host/bridge/fake.py): the pool, the connection, the host calls and
the step worker. In one process; storage on real SQLite."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import structlog.testing

from stephost.v1 import calls_pb2, invocation_pb2, runtime_pb2
from stephost_host.bridge import connection as connection_module
from stephost_host.bridge.admission import Admission
from stephost_host.bridge.calls import EmitCall, HostServices, LogLine
from stephost_host.bridge.connection import MESSAGES_PER_TURN, RuntimeConnection
from stephost_host.bridge.fake import FakeRuntime, Received
from stephost_host.bridge.gateway import Gateway
from stephost_host.bridge.wire import CONTRACT_VERSION, runtime_info
from stephost_host.bus.base import Delivery, Publication
from stephost_host.bus.bus import EventBus, StepWorker
from stephost_host.bus.sqlite import SqliteQueue
from stephost_host.calls import HostCalls
from stephost_host.catalog import Catalog, StepConfig
from stephost_host.errors import (
    InvocationCancelledError,
    InvocationTimeoutError,
    RuntimeLostError,
    RuntimeUnavailableError,
)
from stephost_host.invocation import ApiRequest, Cancellation, Invocation, Outcome
from stephost_host.model import EmitResult, RuntimeInfo
from stephost_host.runtimes.pool import RuntimePool
from stephost_host.state.memory import MemoryStateStore
from stephost_host.streams import StreamHub
from stephost_host.telemetry import spans

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class NoCalls(HostServices):
    """For tests that make no call: every call is refused."""


def step(name: str = "Echo", **fields: Any) -> StepConfig:
    kind = fields.pop("type", "event")
    return StepConfig(name=name, type=kind, language="python", file="steps/x", raw={}, **fields)


def invocation(config: StepConfig, payload: bytes = b"{}", **fields: Any) -> Invocation:
    return Invocation(config, config.type, payload, TRACE_ID, "00f067aa0ba902b7", **fields)


@asynccontextmanager
async def gateway(
    services: HostServices | None = None, *, wait_s: float = 5.0
) -> AsyncIterator[tuple[RuntimePool, Door]]:
    pool = RuntimePool(wait_s=wait_s)
    admission = Admission()
    gateway = Gateway(pool, services or NoCalls(), admission)
    address = await gateway.start()
    try:
        yield pool, Door(address, admission)
    finally:
        await gateway.stop(0)


@dataclass(frozen=True)
class Door:
    """A gateway's address, and the admission that issues the tickets to come in by."""

    address: str
    admission: Admission


async def runtime(door: Door, pool: RuntimePool, **options: Any) -> FakeRuntime:
    """A fake runtime with a ticket, connected and attached to the pool."""
    fake = FakeRuntime.admitted(door.address, door.admission, **{"steps": ["Echo"], **options})
    attached = pool_event(pool, attached=True)
    await fake.connect()
    await asyncio.wait_for(attached.wait(), 5)
    return fake


def pool_event(pool: RuntimePool, *, attached: bool) -> asyncio.Event:
    """Set when a runtime next attaches to (or detaches from) the pool."""
    event = asyncio.Event()
    pool.add_listener(lambda _conn, now: event.set() if now is attached else None)
    return event


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(test())  # type: ignore[arg-type]


# -- the pool and the connection ------------------------------------------------------


def test_invocations_arrive_in_order_and_each_caller_gets_its_own_outcome() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            echo = step()
            calls = [
                asyncio.create_task(pool.invoke(invocation(echo, b'{"n": %d}' % i)))
                for i in range(5)
            ]
            received = [await fake.next_invocation() for _ in range(5)]
            assert [orjson.loads(r.payload)["n"] for r in received] == [0, 1, 2, 3, 4]
            assert [r.id for r in received] == sorted({r.id for r in received})
            assert {r.traceparent.split("-")[1] for r in received} == {TRACE_ID}
            for r in reversed(received):  # answered in the opposite order
                await fake.answer(r.id, b'{"echo": %d}' % orjson.loads(r.payload)["n"])
            outcomes = await asyncio.gather(*calls)
            assert [o.output for o in outcomes] == [b'{"echo": %d}' % i for i in range(5)]
            assert pool.connections[0].in_flight == {}

    run(go)


def test_a_runtime_never_gets_more_than_its_capacity() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool, capacity=2)
            assert pool.room("Echo") == 2
            calls = [asyncio.create_task(pool.invoke(invocation(step()))) for _ in range(3)]
            first, second = await fake.next_invocation(), await fake.next_invocation()
            assert pool.room("Echo") == 0
            with pytest.raises(TimeoutError):
                await fake.next_invocation(timeout_s=0.2)  # the third waits for room
            await fake.answer(first.id)
            third = await fake.next_invocation()
            await fake.answer(second.id)
            await fake.answer(third.id)
            assert [o.output for o in await asyncio.gather(*calls)] == [b"null"] * 3

    run(go)


def test_the_least_busy_runtime_with_the_step_gets_the_work() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            one = await runtime(door, pool, runtime_id="one")
            two = await runtime(door, pool, runtime_id="two", steps=["Echo", "Other"])
            first = asyncio.create_task(pool.invoke(invocation(step())))
            busy, received = await _next_of(one, two)
            second = asyncio.create_task(pool.invoke(invocation(step())))
            idle = two if busy is one else one
            again = await idle.next_invocation()  # the one with nothing in flight
            await busy.answer(received.id)
            await idle.answer(again.id)
            await asyncio.gather(first, second)
            assert pool.serves("Other") and not pool.serves("Nobody")

    run(go)


async def _next_of(*fakes: FakeRuntime) -> tuple[FakeRuntime, Received]:
    """The first invocation any of ``fakes`` receives, and which one received it."""
    gets = {asyncio.ensure_future(fake.next_invocation()): fake for fake in fakes}
    done, pending = await asyncio.wait(gets, return_when=asyncio.FIRST_COMPLETED)
    for future in pending:
        future.cancel()
    (winner,) = done
    return gets[winner], winner.result()


def test_a_runtime_lost_mid_call_fails_the_call_as_runtime_lost() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            call = asyncio.create_task(pool.invoke(invocation(step())))
            await fake.next_invocation()
            detached = pool_event(pool, attached=False)
            await fake.hang_up()
            with pytest.raises(RuntimeLostError, match="went away while running Echo") as lost:
                await call
            assert lost.value.step == "Echo"
            await asyncio.wait_for(detached.wait(), 5)
            assert pool.connections == []

    run(go)


def test_a_reply_to_an_unknown_id_is_ignored() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            await fake.answer(999, b'"stray"')
            await fake.respond(1000, 200)
            call = asyncio.create_task(pool.invoke(invocation(step())))
            received = await fake.next_invocation()
            await fake.answer(received.id, b'"mine"')
            assert (await call).output == b'"mine"'

    run(go)


class Journal(NoCalls):
    """Records each log line a handler sends (handled in the order read)."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def log(self, runtime: RuntimeInfo, invocation: Invocation | None, line: LogLine) -> None:
        self.events.append(line.message)


def lone_connection(
    services: HostServices, on_slot_free: Callable[[], None] = lambda: None
) -> RuntimeConnection:
    """A connection with no stream: frames are fed to ``read_loop`` by the test."""
    hello = runtime_pb2.Hello(
        contract_version=CONTRACT_VERSION, language="python", runtime_id="python-1"
    )
    return RuntimeConnection(runtime_info(hello), services, on_slot_free)


async def frames(*batches: list[runtime_pb2.RuntimeMessage]) -> AsyncIterator[Any]:
    for messages in batches:
        yield runtime_pb2.RuntimeFrame(messages=messages)


def logs(invocation_id: int, count: int) -> list[runtime_pb2.RuntimeMessage]:
    return [
        runtime_pb2.RuntimeMessage(
            call=calls_pb2.HostCall(
                invocation_id=invocation_id, log=calls_pb2.LogRecord(message=str(i))
            )
        )
        for i in range(count)
    ]


def result(invocation_id: int) -> runtime_pb2.RuntimeMessage:
    return runtime_pb2.RuntimeMessage(
        result=invocation_pb2.InvocationResult(invocation_id=invocation_id, output=b"1")
    )


def test_a_frame_of_many_calls_lets_the_loop_serve_others_while_it_is_read() -> None:
    """A handler emitting in a loop sends thousands of calls in one frame: the replies to
    its first calls leave (the write loop has had turns) before its last ones are read."""

    async def go() -> None:
        connection = lone_connection(NoCalls())
        written: list[int] = []

        async def write(frame: runtime_pb2.HostFrame) -> None:
            written.append(len(frame.messages))

        writing = asyncio.create_task(connection.write_loop(write))
        calls = [  # for an invocation never sent: each is refused at once
            runtime_pb2.RuntimeMessage(
                call=calls_pb2.HostCall(
                    call_id=i, invocation_id=99, state_get=calls_pb2.StateGetRequest(group="g")
                )
            )
            for i in range(2000)
        ]
        await connection.read_loop(frames(calls))
        await asyncio.sleep(0.01)
        connection.close("done")
        await writing
        assert sum(written) == 2000  # every call refused, each once
        # In frames of a few hundred, not one frame of 2,000 after the last call was read.
        assert max(written) <= 2 * MESSAGES_PER_TURN and len(written) >= 3, written

    run(go)


def test_a_result_goes_ahead_of_other_invocations_calls_never_of_its_own() -> None:
    """An api step's result is not held up behind a burst of another step's calls read
    before it; a result never overtakes its own invocation's calls."""

    async def go() -> None:
        journal = Journal()
        # A result frees its slot as it is handled: that is when it is journalled.
        connection = lone_connection(journal, lambda: journal.events.append("result"))
        burst, api, last = (connection.invoke(invocation(step(n))) for n in ("B", "A", "L"))
        await connection.read_loop(
            frames(logs(burst.id, 2000), [result(api.id)], logs(last.id, 1), [result(last.id)])
        )
        assert len(journal.events) == 2000 + 3  # everything read was handled
        assert api.future.done() and last.future.done()
        # The api's result was handled once the first turn's share of the burst was.
        assert journal.events.index("result") == MESSAGES_PER_TURN
        # The last invocation's result waited for its own log line, read before it.
        assert journal.events[-2:] == ["0", "result"]

    run(go)


def test_past_max_waiting_the_next_frame_is_read_once_the_waiting_are_handled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A runtime sending calls without end is slowed down, not buffered without end."""
    monkeypatch.setattr(connection_module, "MAX_WAITING", 300)

    async def go() -> None:
        journal = Journal()
        connection = lone_connection(journal)
        handled_when_read: list[int] = []

        async def two_frames() -> AsyncIterator[runtime_pb2.RuntimeFrame]:
            yield runtime_pb2.RuntimeFrame(messages=logs(1, 1000))
            handled_when_read.append(len(journal.events))
            yield runtime_pb2.RuntimeFrame(messages=logs(1, 10))

        await connection.read_loop(two_frames())
        assert handled_when_read == [1000]  # not 256: the 744 waiting were handled first
        assert len(journal.events) == 1010

    run(go)


def test_a_message_that_fails_while_waiting_fails_the_read_loop() -> None:
    """As one handled at once would: the stream ends, nothing fails silently."""

    class Breaks(Journal):
        def log(self, runtime: RuntimeInfo, invocation: Invocation | None, line: LogLine) -> None:
            if line.message == "600":
                raise RuntimeError("log line 600 broke")
            super().log(runtime, invocation, line)

    async def go() -> None:
        journal = Breaks()
        connection = lone_connection(journal)

        async def later_frame() -> AsyncIterator[runtime_pb2.RuntimeFrame]:
            yield runtime_pb2.RuntimeFrame(messages=logs(1, 1000))
            await asyncio.sleep(0.05)  # the waiting are handled, and 600 fails, meanwhile
            yield runtime_pb2.RuntimeFrame(messages=logs(1, 10))

        with pytest.raises(RuntimeError, match="log line 600 broke"):
            await connection.read_loop(later_frame())
        assert len(journal.events) == 600  # the lines before it, none after

    run(go)


def test_a_timeout_fails_the_call_cancels_the_handler_and_drops_the_late_result() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            call = asyncio.create_task(pool.invoke(invocation(step(timeout_ms=50))))
            received = await fake.next_invocation()
            with pytest.raises(InvocationTimeoutError, match="timeoutMs=50"):
                await call
            assert await fake.next_cancel() == (received.id, "timeout")
            await fake.answer(received.id, b'"late"')
            follow = asyncio.create_task(pool.invoke(invocation(step())))
            await fake.answer((await fake.next_invocation()).id, b'"next"')
            assert (await follow).output == b'"next"'

    run(go)


def test_a_cancellation_stops_waiting_and_tells_the_runtime() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            cancellation = Cancellation()
            call = asyncio.create_task(pool.invoke(invocation(step()), cancellation))
            received = await fake.next_invocation()
            cancellation.cancel("client disconnected")
            with pytest.raises(InvocationCancelledError, match="client disconnected"):
                await call
            assert await fake.next_cancel() == (received.id, "client disconnected")
            assert pool.connections[0].in_flight == {}
            already = Cancellation()
            already.cancel("client disconnected")
            with pytest.raises(InvocationCancelledError, match="before it ran"):
                await pool.invoke(invocation(step()), already)

    run(go)


def test_no_runtime_for_the_step_is_runtime_unavailable() -> None:
    async def go() -> None:
        async with gateway(wait_s=0.05) as (pool, _address):
            with pytest.raises(RuntimeUnavailableError, match="could take step Echo") as error:
                await pool.invoke(invocation(step()))
            assert error.value.status == 503

    run(go)


def test_deadline_tracestate_and_the_api_request_reach_the_runtime() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            request = ApiRequest(
                "POST", "/x", {"id": "7"}, {"q": ["1", "2"]}, {"x-a": "b"}, b'{"a":1}'
            )
            api = step(type="api", timeout_ms=60_000)
            sent_ms = asyncio.get_running_loop().time()
            call = asyncio.create_task(
                pool.invoke(invocation(api, b"", request=request, tracestate="v=1"))
            )
            received = await fake.next_invocation()
            assert received.trigger == "TRIGGER_API"
            assert (received.request, received.payload) == (request, b"")
            assert received.tracestate == "v=1"
            assert received.deadline_unix_ms > 0
            await fake.respond(received.id, 201, b'{"ok":true}', {"x-b": "c"})
            outcome: Outcome = await call
            assert outcome.response is not None
            assert (outcome.response.status, outcome.response.headers) == (201, {"x-b": "c"})
            assert outcome.response.body == b'{"ok":true}'
            assert sent_ms <= asyncio.get_running_loop().time()

    run(go)


def test_a_handlers_failure_is_the_outcome_not_an_exception() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            call = asyncio.create_task(pool.invoke(invocation(step())))
            await fake.fail((await fake.next_invocation()).id, "OUT_OF_STOCK", "none left")
            failure = (await call).failure
            assert failure is not None
            assert (failure.code, failure.message, failure.step) == (
                "OUT_OF_STOCK",
                "none left",
                "Echo",  # the host fills in the step when the runtime left it out
            )

    run(go)


# -- the host calls ---------------------------------------------------------------------


@asynccontextmanager
async def host(tmp_path: Path) -> AsyncIterator[tuple[RuntimePool, Door, EventBus]]:
    queue = SqliteQueue(tmp_path / "queue.db")
    pool = RuntimePool(wait_s=5.0)
    bus = EventBus(queue, pool, dedup_window_ms=60_000)
    state = MemoryStateStore()
    admission = Admission()
    gateway = Gateway(pool, HostCalls(bus, state, StreamHub(state)), admission)
    address = await gateway.start()
    try:
        yield pool, Door(address, admission), bus
    finally:
        await bus.stop()
        await gateway.stop(0)
        await queue.close()


def test_host_calls_state_and_streams(tmp_path: Path) -> None:
    async def go() -> None:
        async with host(tmp_path) as (pool, door, _bus):
            fake = await runtime(door, pool)
            call = asyncio.create_task(pool.invoke(invocation(step())))
            n = (await fake.next_invocation()).id
            await fake.call(n, "state_set", group="g", key="a", value=b'{"n":1}')
            await fake.call(n, "state_set", group="g", key="b", value=b"[1]")
            got = await fake.call(n, "state_get", group="g", key="a")
            assert (got.found, got.value) == (True, b'{"n":1}')
            assert (await fake.call(n, "state_get", group="g", key="z")).found is False
            items = (await fake.call(n, "state_list", group="g")).items
            assert [(i.key, i.value) for i in items] == [("a", b'{"n":1}'), ("b", b"[1]")]
            assert (await fake.call(n, "state_delete", group="g", key="a")).deleted is True
            assert (await fake.call(n, "state_clear", group="g")).deleted == 1
            await fake.call(n, "stream_set", stream="s", group="g", id="i", value=b"2")
            assert (await fake.call(n, "stream_delete", stream="s", group="g", id="i")).deleted
            await fake.answer(n)
            await call

    run(go)


def test_host_calls_for_no_invocation_of_the_connection_are_refused(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        async with host(tmp_path) as (pool, door, _bus):
            one = await runtime(door, pool, runtime_id="one")
            other = await runtime(door, pool, runtime_id="other", steps=["Other"])
            call = asyncio.create_task(pool.invoke(invocation(step())))
            n = (await one.next_invocation()).id
            await one.call(n, "state_set", group="g", key="a", value=b"1")
            # id 0 (no invocation), an id never sent, an id running on another connection
            for fake, invocation_id in ((one, 0), (one, 99), (other, n)):
                for kind, fields in (
                    ("state_get", {"group": "g", "key": "a"}),
                    ("state_set", {"group": "g", "key": "a", "value": b"2"}),
                    ("state_clear", {"group": "g"}),
                    ("stream_set", {"stream": "s", "group": "g", "id": "i", "value": b"1"}),
                    ("emit", {"topic": "t", "data": b"{}"}),
                ):
                    refused = await fake.call(invocation_id, kind, **fields)
                    assert refused["error"]["code"] == "NOT_IN_INVOCATION", (kind, refused)
                    message = refused["error"]["message"]
                    assert f"invocation {invocation_id} was never sent to this runtime" in message
            assert (await one.call(n, "state_get", group="g", key="a")).value == b"1"
            await one.answer(n)
            await call
            # a handler that finished (a cancelled one cleaning up) may still use state
            assert (await one.call(n, "state_get", group="g", key="a")).value == b"1"
            assert (await other.call(n, "state_get", group="g", key="a"))["error"]

    run(go)


def test_a_reply_too_large_for_one_message_fails_that_call_alone(tmp_path: Path) -> None:
    async def go() -> None:
        async with host(tmp_path) as (pool, door, bus):
            bus.max_message_bytes = 100
            fake = await runtime(door, pool)
            call = asyncio.create_task(pool.invoke(invocation(step())))
            n = (await fake.next_invocation()).id
            for key in ("a", "b"):
                await fake.call(n, "state_set", group="g", key=key, value=b'"' + b"v" * 60 + b'"')
            refused = await fake.call(n, "state_list", group="g")
            assert refused["error"]["code"] == "MESSAGE_TOO_LARGE"
            assert "the state group 'g' is 126 bytes" in refused["error"]["message"]
            assert (await fake.call(n, "state_get", group="g", key="a")).found  # one fits
            await fake.answer(n)
            await call

    run(go)


def test_an_emit_is_checked_against_the_calling_step_and_carries_its_trace(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        async with host(tmp_path) as (pool, door, bus):
            fake = await runtime(door, pool, steps=["Emitter"])
            emitter = step("Emitter", emits=frozenset({"done"}))
            call = asyncio.create_task(pool.invoke(invocation(emitter, tracestate="v=1")))
            received = await fake.next_invocation()
            reply = await fake.call(received.id, "emit", topic="done", data=b'{"x":1}')
            assert reply.message_id and not reply.duplicate
            refused = await fake.call(received.id, "emit", topic="other", data=b"{}")
            assert refused["error"]["code"] == "EMIT_NOT_ALLOWED"
            assert "it declares done" in refused["error"]["message"]
            (message,) = list(bus.recent)
            assert (message.topic, message.trace_id, message.emitted_by) == (
                "done",
                TRACE_ID,
                "Emitter",
            )
            await fake.answer(received.id)
            await call
            late = await fake.call(received.id, "emit", topic="done", data=b"{}")
            assert late["error"]["code"] == "NOT_IN_INVOCATION"

    run(go)


def test_calls_a_host_does_not_serve_are_refused_with_a_code() -> None:
    async def go() -> None:
        async with gateway() as (pool, door):
            fake = await runtime(door, pool)
            call = asyncio.create_task(pool.invoke(invocation(step())))
            n = (await fake.next_invocation()).id
            refused = await fake.call(n, "state_get", group="g", key="k")
            assert refused["error"]["code"] == "NOT_SERVED"
            refused = await fake.call(n, "emit", topic="done", data=b"{}")
            assert refused["error"] == {
                "code": "NOT_SERVED",
                "message": "emit is not served here: no handler runs",
            }
            await fake.answer(n)
            await call

    run(go)


class Broken(NoCalls):
    """A host whose calls fail with errors no call should meet: an emit at once (topic
    "now") or once it is stored (any other), a state read as it runs."""

    def emit(self, invocation: Invocation | None, call: EmitCall) -> asyncio.Future[EmitResult]:
        if call.topic == "now":
            raise RuntimeError("the emit broke at once")
        stored: asyncio.Future[EmitResult] = asyncio.get_running_loop().create_future()
        if call.topic == "cut":  # the host stopped before the write (the batcher's cancel)
            stored.cancel()
        else:
            stored.set_exception(RuntimeError("the store broke"))
        return stored

    async def state_get(self, group: str, key: str) -> bytes | None:
        raise RuntimeError("the state broke")


def test_a_call_that_breaks_in_the_host_is_internal_and_its_span_an_error() -> None:
    async def go() -> None:
        async with gateway(Broken()) as (pool, door):
            fake = await runtime(door, pool)
            trace_id = "0af7651916cd43dd8448eb211c80319c"
            call = asyncio.create_task(
                pool.invoke(Invocation(step(), "event", b"{}", trace_id, "b7ad6b7169203331"))
            )
            n = (await fake.next_invocation()).id
            for kind, fields, error in (
                ("emit", {"topic": "now"}, "the emit broke at once"),
                ("emit", {"topic": "later"}, "the store broke"),
                ("state_get", {"group": "g", "key": "k"}, "the state broke"),
            ):
                refused = await fake.call(n, kind, **fields)
                assert refused["error"] == {
                    "code": "INTERNAL",
                    "message": f"{kind} failed in the host: RuntimeError({error!r})",
                }
            await fake.answer(n)
            await call
            recorded = {(s.name, s.status) for s in spans.for_trace(trace_id)}
            assert recorded >= {
                ("emit now", "error"),
                ("emit later", "error"),
                ("state.get g/k", "error"),
            }

    run(go)


def test_an_emit_cut_off_by_the_host_stopping_says_so_and_logs_no_error() -> None:
    """A stopping host cancels the writes it has not made: the handler hears that
    nothing was stored and why (a code it may retry on), and the log has no traceback."""

    async def go() -> None:
        async with gateway(Broken()) as (pool, door):
            fake = await runtime(door, pool)
            call = asyncio.create_task(pool.invoke(invocation(step())))
            n = (await fake.next_invocation()).id
            with structlog.testing.capture_logs() as logged:
                refused = await fake.call(n, "emit", topic="cut", data=b"{}")
            assert refused["error"] == {
                "code": "HOST_STOPPING",
                "message": "emit on 'cut': the host is stopping; nothing was stored",
            }
            assert [line for line in logged if line["log_level"] == "error"] == []
            await fake.answer(n)
            await call

    run(go)


def test_a_frame_of_emits_is_answered_with_no_task_per_emit(tmp_path: Path) -> None:
    """Each emit is answered from its stored message's callback: while a frame's emits
    wait for their commit, no task waits for each."""

    async def go() -> None:
        queue = SqliteQueue(tmp_path / "queue.db")
        bus = EventBus(queue, RuntimePool(), dedup_window_ms=60_000)
        sink = step("Sink", subscribes=("done",))
        bus.catalog = Catalog(steps={"Sink": sink}, by_topic={"done": (sink,)})
        state = MemoryStateStore()
        connection = lone_connection(HostCalls(bus, state, StreamHub(state)))
        emitter = connection.invoke(invocation(step("Emitter", emits=frozenset({"done"}))))
        emits = [
            runtime_pb2.RuntimeMessage(
                call=calls_pb2.HostCall(
                    call_id=i,
                    invocation_id=emitter.id,
                    emit=calls_pb2.EmitRequest(topic="done", data=b'{"i": %d}' % i),
                )
            )
            for i in range(200)
        ]
        tasks_before = len(asyncio.all_tasks())
        await connection.read_loop(frames(emits))
        assert len(asyncio.all_tasks()) <= tasks_before + 1  # the batch's writer, at most
        await bus.stop()
        replies = [m for m in connection._outbox.messages if m.WhichOneof("kind") == "reply"]
        assert sorted(r.reply.call_id for r in replies) == list(range(200))
        assert all(r.reply.emit.message_id for r in replies)
        leased = await queue.lease("Sink", 500, 60_000)
        assert [orjson.loads(d.data)["i"] for d in leased] == list(range(200))  # in order
        await queue.close()

    run(go)


# -- the step worker --------------------------------------------------------------------


def publication(i: int, step_name: str = "Work", **fields: Any) -> Publication:
    return Publication(
        message_id=f"m{i}",
        topic="work",
        data=json.dumps({"i": i}).encode(),
        traceparent=f"00-{TRACE_ID}-00f067aa0ba902b7-01",
        steps=(step_name,),
        **fields,
    )


@asynccontextmanager
async def worker_bus(
    tmp_path: Path, config: StepConfig
) -> AsyncIterator[tuple[RuntimePool, Door, EventBus, SqliteQueue]]:
    async with host(tmp_path) as (pool, door, bus):
        catalog = Catalog(steps={config.name: config}, by_topic={"work": (config,)})
        bus.apply(catalog)
        yield pool, door, bus, bus.queue  # type: ignore[misc]


def test_the_worker_runs_deliveries_and_acknowledges_them(tmp_path: Path) -> None:
    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=4)
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            fake = await runtime(door, pool, steps=["Work"])
            await queue.publish([publication(i, tracestate="v=1") for i in range(3)], 1000)
            bus.wake_all()
            received = [await fake.next_invocation() for _ in range(3)]
            assert sorted(r.message_id for r in received) == ["m0", "m1", "m2"]
            assert {(r.topic, r.attempt, r.tracestate) for r in received} == {("work", 1, "v=1")}
            for r in received:
                await fake.answer(r.id)
            await until_idle(bus)
            assert bus.workers["Work"].handled == 3

    run(go)


def test_the_worker_keeps_a_groups_order(tmp_path: Path) -> None:
    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=8)
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            fake = await runtime(door, pool, steps=["Work"])
            await queue.publish([publication(i, group_id="g") for i in range(3)], 1000)
            bus.wake_all()
            order = []
            for _ in range(3):
                received = await fake.next_invocation()
                with pytest.raises(TimeoutError):  # the next of the group waits for this one
                    await fake.next_invocation(timeout_s=0.1)
                order.append(received.message_id)
                await fake.answer(received.id)
            assert order == ["m0", "m1", "m2"]
            await until_idle(bus)

    run(go)


async def answer_each(fake: FakeRuntime, bus: EventBus, count: int) -> list[Received]:
    """The next ``count`` invocations, each answered before the next comes; then idle."""
    received = []
    for _ in range(count):
        received.append(await fake.next_invocation())
        await fake.answer(received[-1].id)
    await until_idle(bus)
    return received


async def until_caught_up(worker: StepWorker) -> None:
    """Until the worker's loop has looked at its empty queue (new emits skip it then)."""
    async with asyncio.timeout(5):
        while not worker.caught_up:  # noqa: ASYNC110 (a property of the loop, not an event)
            await asyncio.sleep(0.01)


def test_an_emit_to_a_caught_up_worker_is_leased_as_it_is_stored(tmp_path: Path) -> None:
    """With a free slot and nothing queued before it, the delivery is stored already
    leased (one transaction) and goes to the runtime; with no free slot, it queues."""

    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=1)
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            fake = await runtime(door, pool, steps=["Work"])
            await until_caught_up(bus.workers["Work"])
            leases = 0
            lease = queue.lease

            async def counted_lease(step: str, limit: int, lease_ms: int) -> list[Delivery]:
                nonlocal leases
                leases += 1
                return await lease(step, limit, lease_ms)

            queue.lease = counted_lease  # type: ignore[method-assign]
            traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
            first = await bus.emit("work", b'{"i": 1}', traceparent=traceparent, trace_id=TRACE_ID)
            assert (await queue.counts())["Work"] == {
                "ready": 0,
                "delayed": 0,
                "leased": 1,
                "dead": 0,
            }
            assert leases == 0  # stored leased: no lease query for it
            second = await bus.emit("work", b'{"i": 2}', traceparent=traceparent, trace_id=TRACE_ID)
            assert (await queue.counts())["Work"]["ready"] == 1  # the one slot is taken
            received = await answer_each(fake, bus, 2)
            assert [(r.message_id, r.attempt) for r in received] == [
                (first.message_id, 1),
                (second.message_id, 1),
            ]

    run(go)


def test_a_turns_emits_give_a_free_slot_to_the_highest_priority(tmp_path: Path) -> None:
    """Emits stored in one transaction compete for a caught-up worker's free slot as a
    lease would choose among them: the highest priority first, not the first emitted."""

    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=1)
        async with worker_bus(tmp_path, config) as (pool, door, bus, _queue):
            fake = await runtime(door, pool, steps=["Work"])
            await until_caught_up(bus.workers["Work"])
            traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
            low, high = await asyncio.gather(  # one turn: one batch
                bus.emit("work", b'{"i": 1}', traceparent=traceparent, trace_id=TRACE_ID),
                bus.emit(
                    "work", b'{"i": 2}', traceparent=traceparent, trace_id=TRACE_ID, priority=9
                ),
            )
            received = await answer_each(fake, bus, 2)
            assert [r.message_id for r in received] == [high.message_id, low.message_id]

    run(go)


def test_a_delivery_whose_runtime_is_lost_is_released_and_redelivered(tmp_path: Path) -> None:
    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=1)
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            first = await runtime(door, pool, steps=["Work"], runtime_id="first")
            await queue.publish([publication(1)], 1000)
            bus.wake_all()
            assert (await first.next_invocation()).attempt == 1
            detached = pool_event(pool, attached=False)
            await first.hang_up()
            await asyncio.wait_for(detached.wait(), 5)
            second = await runtime(door, pool, steps=["Work"], runtime_id="second")
            again = await second.next_invocation()
            assert (again.message_id, again.attempt) == ("m1", 1)  # not counted as an attempt
            await second.answer(again.id)
            await until_idle(bus)

    run(go)


def test_timeouts_and_failures_are_retried_then_buried(tmp_path: Path) -> None:
    async def go() -> None:
        config = step(
            "Work", subscribes=("work",), concurrency=1, timeout_ms=50, max_attempts=3, backoff_ms=1
        )
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            fake = await runtime(door, pool, steps=["Work"])
            await queue.publish([publication(1)], 1000)
            bus.wake_all()
            first = await fake.next_invocation()  # left to time out
            assert await fake.next_cancel() == (first.id, "timeout")
            second = await fake.next_invocation()
            assert second.attempt == 2
            await fake.fail(second.id, "FLAKY", "try again")
            third = await fake.next_invocation()
            assert third.attempt == 3
            await fake.fail(third.id, "FLAKY", "still failing")
            await until_idle(bus)
            (letter,) = await bus.dead_letters("Work")
            assert (letter.attempts, letter.error["code"]) == (3, "FLAKY")

    run(go)


def test_a_failure_that_is_not_retryable_is_buried_at_once(tmp_path: Path) -> None:
    async def go() -> None:
        config = step("Work", subscribes=("work",), concurrency=1, max_attempts=5)
        async with worker_bus(tmp_path, config) as (pool, door, bus, queue):
            fake = await runtime(door, pool, steps=["Work"])
            await queue.publish([publication(1)], 1000)
            bus.wake_all()
            received = await fake.next_invocation()
            await fake.fail(received.id, "DECLINED", "card declined", retryable=False)
            await until_idle(bus)
            (letter,) = await bus.dead_letters("Work")
            assert (letter.attempts, letter.error["code"]) == (1, "DECLINED")

    run(go)


async def until_idle(bus: EventBus) -> None:
    """Until nothing is queued, leased or running (the bus has no event for it: polled,
    as the test harness polls /_stephost/idle; bounded, a guard against a hang)."""
    async with asyncio.timeout(5):
        while not await bus.idle():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
