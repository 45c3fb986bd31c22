"""The gateway is a locked door: it admits only the runtimes the host launched (by the
key each got), checks their Hello against their ticket, refuses other contract
versions with a clear reason, and lets nothing of a refused runtime into the pool."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest

from stephost.v1 import runtime_pb2, runtime_pb2_grpc
from stephost_host.bridge.admission import KEY_METADATA, Admission, Ticket
from stephost_host.bridge.calls import HostServices
from stephost_host.bridge.fake import FakeRuntime
from stephost_host.bridge.gateway import Gateway, local_address
from stephost_host.bridge.wire import CONTRACT_VERSION
from stephost_host.runtimes.pool import RuntimePool

pytestmark = pytest.mark.integration


class NoCalls(HostServices):
    """No call is expected: every one is refused."""


@asynccontextmanager
async def door(
    address: str = "127.0.0.1:0",
) -> AsyncIterator[tuple[Gateway, Admission, RuntimePool]]:
    pool = RuntimePool()
    admission = Admission()
    gateway = Gateway(pool, NoCalls(), admission)
    await gateway.start(address)
    try:
        yield gateway, admission, pool
    finally:
        await gateway.stop(0)


def hello(
    runtime_id: str = "python-1", files: tuple[str, ...] = ("steps/echo_step.py",)
) -> runtime_pb2.RuntimeMessage:
    return runtime_pb2.RuntimeMessage(
        hello=runtime_pb2.Hello(
            contract_version=CONTRACT_VERSION,
            language="python",
            runtime_version="CPython 3",
            pid=1,
            runtime_id=runtime_id,
            steps=[
                runtime_pb2.StepDefinition(name=f"S{i}", file=f, config=b"{}")
                for i, f in enumerate(files)
            ],
        )
    )


async def connect(fake: FakeRuntime, pool: RuntimePool) -> None:
    """Connect ``fake`` and wait until the pool has it."""
    attached = asyncio.Event()
    pool.add_listener(lambda _conn, now: attached.set() if now else None)
    await fake.connect()
    await asyncio.wait_for(attached.wait(), 5)


def ticket(admission: Admission, runtime_id: str = "python-1") -> Ticket:
    return admission.issue(runtime_id, "python", lambda: ["steps/echo_step.py"])


async def dial(
    address: str, first: runtime_pb2.RuntimeMessage, key: str | None = None
) -> tuple[grpc.StatusCode, str]:
    """Connect, send ``first``, and read until the host ends the call: its status."""
    metadata = () if key is None else ((KEY_METADATA, key),)
    async with grpc.aio.insecure_channel(address) as channel:
        call = runtime_pb2_grpc.RuntimeServiceStub(channel).Connect(metadata=metadata)  # type: ignore[no-untyped-call]
        try:
            await call.write(runtime_pb2.RuntimeFrame(messages=[first]))
            while await call.read() is not grpc.aio.EOF:
                pass
        except grpc.aio.AioRpcError as exc:
            return exc.code(), exc.details() or ""
        return await call.code(), await call.details()


def test_contract_version_mismatch_is_refused_naming_both_versions() -> None:
    async def go() -> None:
        async with door() as (gateway, admission, pool):
            message = runtime_pb2.RuntimeMessage(
                hello=runtime_pb2.Hello(
                    contract_version=99, language="cobol", runtime_version="cobol 85", pid=1
                )
            )
            code, details = await dial(gateway.address, message, ticket(admission).key)
            assert code == grpc.StatusCode.FAILED_PRECONDITION
            assert details == (
                f"contract version mismatch: the host speaks v{CONTRACT_VERSION}, "
                "the cobol runtime (cobol 85) speaks v99"
            )
            assert pool.connections == []

    asyncio.run(go())


def test_first_message_must_be_hello() -> None:
    async def go() -> None:
        async with door() as (gateway, admission, _pool):
            message = runtime_pb2.RuntimeMessage(heartbeat=runtime_pb2.Heartbeat(sent_unix_ms=1))
            code, details = await dial(gateway.address, message, ticket(admission).key)
            assert code == grpc.StatusCode.FAILED_PRECONDITION
            assert details == "the first message must be a Hello"

    asyncio.run(go())


def test_a_runtime_without_a_key_or_with_a_wrong_one_is_refused_before_its_hello() -> None:
    """Refused for its key, its Hello unread; the host waits for the Hello to arrive
    before it hangs up, so that the client sees the refusal, never gRPC's INTERNAL
    (grpc/grpc#36066: 5 runs in 80 of this test failed so before)."""

    async def go() -> None:
        async with door() as (gateway, admission, pool):
            real = ticket(admission)
            for key in (None, "", "not-the-key", real.key[:-1]):
                code, details = await dial(gateway.address, hello(), key)
                assert code == grpc.StatusCode.UNAUTHENTICATED, (key, details)
                assert "only runtimes the host launched may connect" in details
            assert pool.connections == []
            # 50 rogues at once change nothing, and the real runtime still gets in
            results = await asyncio.gather(
                *(dial(gateway.address, hello(), "rogue") for _ in range(50))
            )
            assert {code for code, _ in results} == {grpc.StatusCode.UNAUTHENTICATED}
            assert pool.connections == []
            fake = FakeRuntime.admitted(
                gateway.address, admission, steps=["Echo"], runtime_id="python-2"
            )
            await connect(fake, pool)
            assert [c.runtime_id for c in pool.connections] == ["python-2"]
            await fake.hang_up()

    asyncio.run(go())


def test_a_runtime_refused_for_its_key_that_sends_nothing_is_not_kept_waiting() -> None:
    async def go() -> None:
        async with door() as (gateway, _admission, pool):
            async with grpc.aio.insecure_channel(gateway.address) as channel:
                stub = runtime_pb2_grpc.RuntimeServiceStub(channel)  # type: ignore[no-untyped-call]
                call = stub.Connect(metadata=((KEY_METADATA, "rogue"),))
                code = await asyncio.wait_for(call.code(), 10)  # no Hello written
                assert code == grpc.StatusCode.UNAUTHENTICATED
                assert "unknown runtime key" in await call.details()
            assert pool.connections == []

    asyncio.run(go())


def test_a_key_admits_only_its_own_runtime_id_and_the_files_of_its_language() -> None:
    async def go() -> None:
        async with door() as (gateway, admission, pool):
            key = ticket(admission, "python-1").key
            code, details = await dial(gateway.address, hello(runtime_id="python-7"), key)
            assert code == grpc.StatusCode.PERMISSION_DENIED
            assert details == (
                "the key was issued to python runtime python-1, not to python runtime python-7"
            )
            code, details = await dial(
                gateway.address, hello(files=("steps/echo_step.py", "steps/backdoor_step.py")), key
            )
            assert code == grpc.StatusCode.PERMISSION_DENIED
            assert details == (
                "python runtime python-1 announced steps from files it was not started for: "
                "steps/backdoor_step.py"
            )
            assert pool.connections == []

    asyncio.run(go())


def test_a_second_connection_for_a_live_runtime_is_refused_and_one_that_left_comes_back() -> None:
    async def go() -> None:
        async with door() as (gateway, admission, pool):
            key = admission.issue("fake-1", "python", lambda: ["steps/Echo.fake"]).key
            first = FakeRuntime(gateway.address, steps=["Echo"], key=key)
            await connect(first, pool)
            again = FakeRuntime(gateway.address, steps=["Echo"], key=key)
            with pytest.raises(ConnectionError, match="runtime fake-1 is connected already"):
                await again.connect()
            assert len(pool.connections) == 1
            left = asyncio.Event()
            pool.add_listener(lambda _conn, attached: None if attached else left.set())
            await first.hang_up()
            await asyncio.wait_for(left.wait(), 5)
            back = FakeRuntime(gateway.address, steps=["Echo"], key=key)
            await connect(back, pool)
            assert [sorted(c.steps) for c in pool.connections] == [["Echo"]]
            await back.hang_up()

    asyncio.run(go())


def test_a_withdrawn_ticket_opens_nothing() -> None:
    async def go() -> None:
        async with door() as (gateway, admission, pool):
            issued = ticket(admission)
            admission.withdraw(issued)
            code, _ = await dial(gateway.address, hello(), issued.key)
            assert code == grpc.StatusCode.UNAUTHENTICATED
            assert pool.connections == []

    asyncio.run(go())


def test_local_runtimes_dial_a_unix_socket_only_its_owner_can_open(tmp_path: Path) -> None:
    address, folder = local_address(tmp_path / "data")
    socket_path = Path(address.removeprefix("unix:"))
    assert socket_path.parent == folder == tmp_path / "data" / "run"
    assert folder.stat().st_mode & 0o777 == 0o700

    async def go() -> int:
        async with door(address) as (gateway, admission, pool):
            assert gateway.address == address
            mode = os.stat(socket_path).st_mode & 0o777
            fake = FakeRuntime.admitted(address, admission, steps=["Echo"])
            await connect(fake, pool)
            assert len(pool.connections) == 1
            await fake.hang_up()
            return mode

    assert asyncio.run(go()) == 0o600
    assert not socket_path.exists()  # removed when the gateway stops


def test_a_data_folder_too_deep_for_a_socket_path_gets_a_private_temp_folder(
    tmp_path: Path,
) -> None:
    deep = tmp_path / ("d" * 120)
    address, folder = local_address(deep)
    assert not str(folder).startswith(str(deep))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert len(address) < 110
    folder.rmdir()
