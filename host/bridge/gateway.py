"""The gRPC server every runtime dials: the only door into the host for runtimes.

It checks the runtime's Hello (contract version first), hands the connection to
whoever listens (the runtime pool), and pumps the stream until it ends. It listens
on loopback by default; a token and TLS will guard it once it listens wider.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

import grpc

from stephost.v1 import runtime_pb2, runtime_pb2_grpc

from .. import __version__
from ..errors import ContractError
from ..telemetry import get_logger
from .calls import HostServices
from .connection import RuntimeConnection
from .wire import CONTRACT_VERSION, runtime_info

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
HEARTBEAT_INTERVAL_S = 10.0
HEARTBEAT_MISSES = 6

log = get_logger(component="gateway")


class Connections(Protocol):
    """Who takes the connected runtimes (the runtime pool)."""

    def attach(self, conn: RuntimeConnection) -> None: ...

    def detach(self, conn: RuntimeConnection) -> None: ...

    def slot_free(self) -> None:
        """A runtime has room for one more invocation."""


class Gateway(runtime_pb2_grpc.RuntimeServiceServicer):
    def __init__(self, connections: Connections, services: HostServices) -> None:
        self._connections = connections
        self._services = services
        self._server: grpc.aio.Server | None = None
        self.address = ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen and return the address runtimes dial (``host:port``)."""
        server = grpc.aio.server(
            options=[
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),
            ]
        )
        runtime_pb2_grpc.add_RuntimeServiceServicer_to_server(self, server)  # type: ignore[no-untyped-call]
        bound = server.add_insecure_port(f"{host}:{port}")
        await server.start()
        self._server = server
        self.address = f"{host}:{bound}"
        return self.address

    async def stop(self, grace_s: float = 1.0) -> None:
        if self._server is not None:
            await self._server.stop(grace_s)

    async def Connect(
        self,
        request_iterator: AsyncIterator[runtime_pb2.RuntimeFrame],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> None:
        hello = await self._read_hello(request_iterator, context)
        try:
            info = runtime_info(hello)
        except ContractError as exc:
            log.error("runtime refused", reason=exc.message, runtime=hello.language, pid=hello.pid)
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, exc.message)
            raise  # abort() raises; never reached
        conn = RuntimeConnection(info, self._services, self._connections.slot_free)
        await context.write(
            runtime_pb2.HostFrame(
                messages=[
                    runtime_pb2.HostMessage(
                        welcome=runtime_pb2.Welcome(
                            contract_version=CONTRACT_VERSION,
                            host_version=__version__,
                            heartbeat_interval_ms=int(HEARTBEAT_INTERVAL_S * 1000),
                        )
                    )
                ]
            )
        )
        self._connections.attach(conn)
        writer = asyncio.create_task(conn.write_loop(context.write))
        heartbeat = asyncio.create_task(_heartbeat(conn))
        reason = "the runtime closed its stream"
        try:
            await conn.read_loop(request_iterator)
        except (grpc.aio.AioRpcError, asyncio.CancelledError) as exc:
            reason = f"stream broke: {type(exc).__name__}"
        finally:
            conn.close(reason)
            self._connections.detach(conn)
            heartbeat.cancel()
            await _stop_writer(writer, conn)

    async def _read_hello(
        self,
        frames: AsyncIterator[runtime_pb2.RuntimeFrame],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> runtime_pb2.Hello:
        try:
            first = await anext(aiter(frames))
        except StopAsyncIteration:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "stream closed before Hello")
            raise
        if not first.messages or first.messages[0].WhichOneof("kind") != "hello":
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION, "the first message must be a Hello"
            )
        hello: runtime_pb2.Hello = first.messages[0].hello
        return hello


async def _stop_writer(writer: asyncio.Task[None], conn: RuntimeConnection) -> None:
    """Stop the stream's writer; a write that failed is logged, not swallowed."""
    writer.cancel()
    try:
        await writer
    except asyncio.CancelledError:
        pass
    except Exception as exc:  # the stream broke under a write: say so once
        log.warning(
            "writing to the runtime failed", runtime=conn.language, pid=conn.pid, error=repr(exc)
        )


async def _heartbeat(conn: RuntimeConnection) -> None:
    """Probe the runtime; a runtime silent for several intervals is treated as gone."""
    while not conn.closed:
        await asyncio.sleep(HEARTBEAT_INTERVAL_S)
        silent = time.monotonic() - conn.last_seen
        if silent > HEARTBEAT_INTERVAL_S * HEARTBEAT_MISSES:
            log.error(
                "runtime stopped answering heartbeats",
                runtime=conn.language,
                pid=conn.pid,
                silent_s=round(silent, 1),
            )
            conn.close(f"no heartbeat answer for {silent:.0f}s")
            return
        conn.heartbeat()
