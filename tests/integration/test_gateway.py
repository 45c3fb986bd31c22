"""The gateway refuses runtimes that speak another contract, with a clear reason."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from stephost.v1 import runtime_pb2, runtime_pb2_grpc
from stephost_host.bridge.calls import HostServices
from stephost_host.bridge.gateway import Gateway
from stephost_host.runtimes.pool import RuntimePool

pytestmark = pytest.mark.integration


class NoCalls(HostServices):
    """No call is expected: every one is refused."""


async def _connect(first: runtime_pb2.RuntimeMessage) -> tuple[grpc.StatusCode, str, RuntimePool]:
    pool = RuntimePool()
    gateway = Gateway(pool, NoCalls())
    address = await gateway.start()
    try:
        async with grpc.aio.insecure_channel(address) as channel:
            call = runtime_pb2_grpc.RuntimeServiceStub(channel).Connect()
            await call.write(runtime_pb2.RuntimeFrame(messages=[first]))
            try:
                await call.read()
                await call.read()
            except grpc.aio.AioRpcError as exc:
                return exc.code(), exc.details() or "", pool
            return await call.code(), await call.details(), pool
    finally:
        await gateway.stop(0)


def test_contract_version_mismatch_is_refused_naming_both_versions() -> None:
    hello = runtime_pb2.Hello(
        contract_version=99, language="cobol", runtime_version="cobol 85", pid=1
    )
    code, details, pool = asyncio.run(_connect(runtime_pb2.RuntimeMessage(hello=hello)))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert details == (
        f"contract version mismatch: the host speaks v{runtime_pb2.CONTRACT_VERSION_CURRENT}, "
        "the cobol runtime (cobol 85) speaks v99"
    )
    assert pool.connections == []


def test_first_message_must_be_hello() -> None:
    message = runtime_pb2.RuntimeMessage(heartbeat=runtime_pb2.Heartbeat(sent_unix_ms=1))
    code, details, _pool = asyncio.run(_connect(message))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert details == "the first message must be a Hello"
