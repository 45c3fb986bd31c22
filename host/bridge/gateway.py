"""The gRPC server every runtime dials: the only door into the host for runtimes.

It admits only the runtimes the host launched, and remote ones with a runtime token
(``admission.py``: the key or token, checked before anything else is read, then the
Hello), checks the contract version, hands the connection to whoever listens (the
runtime pool), and pumps the stream until it ends. Local runtimes dial a Unix socket
in a private folder (``local_address``); remote runtimes dial a TCP listener that
exists only when configured (``RemoteListener``: ``gateway_host`` and
``gateway_port``), over TLS when it has certificate files.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import grpc

from stephost.v1 import runtime_pb2, runtime_pb2_grpc

from .. import __version__
from ..errors import ContractError, ProjectError
from ..model import RuntimeInfo
from ..settings import Settings, is_loopback
from ..telemetry import get_logger
from .admission import KEY_METADATA, Admission, AdmissionError, Ticket
from .calls import HostServices
from .connection import RuntimeConnection
from .wire import CONTRACT_VERSION, runtime_info

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
HEARTBEAT_INTERVAL_S = 10.0
HEARTBEAT_MISSES = 6
# How long a runtime refused for its key has to get its Hello in before the refusal.
HELLO_BEFORE_REFUSAL_S = 1.0
# How often the host looks whether the token of each remote runtime was revoked.
REVOCATION_CHECK_S = 1.0
# A Unix socket's path must fit sun_path (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100

log = get_logger(component="gateway")


class Connections(Protocol):
    """Who takes the connected runtimes (the runtime pool)."""

    connections: list[RuntimeConnection]

    def attach(self, conn: RuntimeConnection) -> None: ...

    def detach(self, conn: RuntimeConnection) -> None: ...

    def slot_free(self) -> None:
        """A runtime has room for one more invocation."""

    def served(self) -> dict[str, str]:
        """The runtime group serving each step name (one whose runtimes are away too)."""


@dataclass(frozen=True, slots=True)
class RemoteListener:
    """The TCP listener for remote runtimes; TLS when ``tls_cert`` and ``tls_key``
    (PEM files) are given."""

    host: str
    port: int
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @classmethod
    def of(cls, settings: Settings) -> RemoteListener | None:
        """The listener the settings ask for (none while ``gateway_host`` is empty)."""
        if not settings.gateway_host:
            return None
        cert, key = settings.gateway_tls_cert, settings.gateway_tls_key
        return cls(
            settings.gateway_host,
            settings.gateway_port,
            Path(cert) if cert else None,
            Path(key) if key else None,
        )

    def credentials(self) -> grpc.ServerCredentials | None:
        """The server's TLS credentials (None: plain TCP); ProjectError when a file
        cannot be read."""
        if self.tls_cert is None or self.tls_key is None:
            return None
        pems = []
        files = (("gateway_tls_key", self.tls_key), ("gateway_tls_cert", self.tls_cert))
        for setting, path in files:
            try:
                pems.append(path.read_bytes())
            except OSError as exc:
                raise ProjectError(f"cannot read {setting} {path}: {exc.strerror}") from None
            if b"-----BEGIN " not in pems[-1]:
                raise ProjectError(f"{setting} {path} is not a PEM file")
        return grpc.ssl_server_credentials([(pems[0], pems[1])])


def local_address(data_dir: Path) -> tuple[str, Path]:
    """The gRPC address of a Unix socket for local runtimes, and its folder (mode 0700,
    so no other user can reach the socket). The folder is ``run/`` in the data folder,
    or a fresh one under the system's temp folder when that path is too long."""
    name = f"gateway-{os.getpid()}.sock"
    folder = data_dir / "run"
    if len(str(folder / name)) > MAX_SOCKET_PATH:
        folder = Path(tempfile.mkdtemp(prefix="stephost-"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / name
    path.unlink(missing_ok=True)  # left by a host that was killed; the data folder is locked
    return f"unix:{path}", folder


class Gateway(runtime_pb2_grpc.RuntimeServiceServicer):
    def __init__(
        self, connections: Connections, services: HostServices, admission: Admission
    ) -> None:
        self._connections = connections
        self._services = services
        self._admission = admission
        self._server: grpc.aio.Server | None = None
        self._socket: Path | None = None
        self.address = ""
        self.remote_address = ""  # host:port of the listener for remote runtimes, if any

    async def start(
        self, address: str = "127.0.0.1:0", remote: RemoteListener | None = None
    ) -> str:
        """Listen on ``address`` (``unix:/path``, or ``host:port`` where port 0 picks a
        free one), and for remote runtimes on ``remote`` too; return the address local
        runtimes dial."""
        server = grpc.aio.server(
            options=[
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),
            ]
        )
        runtime_pb2_grpc.add_RuntimeServiceServicer_to_server(self, server)  # type: ignore[no-untyped-call]
        bound = server.add_insecure_port(address)
        if remote is not None:
            self.remote_address = _listen_remote(server, remote)
        self._server = server  # stopped by stop() even when start() is cancelled
        await server.start()
        if address.startswith("unix:"):
            self._socket = Path(address.removeprefix("unix:"))
            self._socket.chmod(0o600)
            self.address = address
        else:
            self.address = f"{address.rsplit(':', 1)[0]}:{bound}"
        return self.address

    async def stop(self, grace_s: float = 1.0) -> None:
        if self._server is not None:
            await self._server.stop(grace_s)
        if self._socket is not None:
            self._socket.unlink(missing_ok=True)

    async def Connect(
        self,
        request_iterator: AsyncIterator[runtime_pb2.RuntimeFrame],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> None:
        metadata = dict(context.invocation_metadata() or ())
        try:
            ticket = self._admission.ticket(str(metadata.get(KEY_METADATA, "")))
        except AdmissionError as exc:
            await _hello_written(context)
            await self._refuse(context, exc, peer=context.peer())
            raise  # abort() raises; never reached
        hello = await self._read_hello(request_iterator, context)
        try:
            info = runtime_info(hello)
        except ContractError as exc:
            log.error("runtime refused", reason=exc.message, runtime=hello.language, pid=hello.pid)
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, exc.message)
            raise  # abort() raises; never reached
        try:
            info = self._admission.admit(ticket, info, self._connections.served())
        except AdmissionError as exc:
            await self._refuse(context, exc, runtime=hello.language, pid=hello.pid)
            raise
        try:
            where = _where(context.peer(), info.runtime_id) if ticket.remote_token else "local"
            await self._serve(info, request_iterator, context, where, ticket)
        finally:
            self._admission.leave(info.runtime_id)

    async def _refuse(
        self, context: grpc.aio.ServicerContext[Any, Any], exc: AdmissionError, **fields: Any
    ) -> None:
        log.warning("runtime refused at the gateway", reason=exc.message, **fields)
        await context.abort(getattr(grpc.StatusCode, exc.status), exc.message)

    async def _serve(
        self,
        info: RuntimeInfo,
        request_iterator: AsyncIterator[runtime_pb2.RuntimeFrame],
        context: grpc.aio.ServicerContext[Any, Any],
        where: str,
        ticket: Ticket,
    ) -> None:
        conn = RuntimeConnection(info, self._services, self._connections.slot_free)
        conn.where = where
        if where != "local":
            log.info(
                "remote runtime connected",
                runtime=info.language,
                runtime_id=info.runtime_id,
                where=where,
                steps=len(info.steps),
            )
        # In the pool before the Welcome leaves: a runtime that has its Welcome is
        # served (the write can complete and the runtime read it before this resumes).
        self._connections.attach(conn)
        try:
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
        except BaseException:
            conn.close("the Welcome could not be sent")
            self._connections.detach(conn)
            raise
        writer = asyncio.create_task(conn.write_loop(context.write))
        heartbeat = asyncio.create_task(_heartbeat(conn))
        reading = asyncio.create_task(conn.read_loop(request_iterator))
        # A remote runtime is let go when its token is revoked; a launched one's key
        # lasts as long as its process.
        revoked = asyncio.create_task(self._until_revoked(ticket)) if ticket.remote_token else None
        reason = "the runtime closed its stream"
        try:
            watched: set[asyncio.Task[Any]] = {reading} if revoked is None else {reading, revoked}
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            if revoked is not None and revoked.done():
                reason = revoked.result()
            else:
                reading.result()
        except (grpc.aio.AioRpcError, asyncio.CancelledError) as exc:
            reason = f"stream broke: {type(exc).__name__}"
        finally:
            reading.cancel()
            if revoked is not None:
                revoked.cancel()
            conn.close(reason)
            self._connections.detach(conn)
            heartbeat.cancel()
            await _stop_writer(writer, conn)
        if revoked is not None and revoked.done() and not revoked.cancelled():
            log.warning("remote runtime disconnected", runtime_id=info.runtime_id, reason=reason)
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, f"the host let go of it: {reason}")

    async def _until_revoked(self, ticket: Ticket) -> str:
        """Return, with the reason, once the token that let a remote runtime in is revoked
        (the token file is looked at every ``REVOCATION_CHECK_S``)."""
        while True:
            try:
                if not self._admission.admits_still(ticket):
                    return f"its runtime token {ticket.remote_token} was revoked"
            except ProjectError as exc:  # the token file broke: no token can be trusted
                return f"the token file cannot be read ({exc.message})"
            await asyncio.sleep(REVOCATION_CHECK_S)

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


async def _hello_written(context: grpc.aio.ServicerContext[Any, Any]) -> None:
    """Wait until the runtime's first frame arrived (dropped unread), or up to
    ``HELLO_BEFORE_REFUSAL_S``. Refused while its Hello is still being written, a
    runtime on Python's asyncio gRPC sees INTERNAL "Internal error from Core" instead of
    the refusal's status and reason (grpc/grpc#36066)."""
    first = asyncio.ensure_future(context.read())
    first.add_done_callback(lambda done: done.cancelled() or done.exception())
    await asyncio.wait({first}, timeout=HELLO_BEFORE_REFUSAL_S)


def _listen_remote(server: grpc.aio.Server, remote: RemoteListener) -> str:
    """Add the TCP port for remote runtimes to ``server``: its ``host:port``."""
    where = f"[{remote.host}]" if ":" in remote.host else remote.host
    credentials = remote.credentials()
    try:
        if credentials is None:
            bound = server.add_insecure_port(f"{where}:{remote.port}")
        else:
            bound = server.add_secure_port(f"{where}:{remote.port}", credentials)
    except RuntimeError:  # grpc's way of saying the bind failed (older versions: 0)
        bound = 0
    if not bound:
        raise ProjectError(
            f"cannot listen for remote runtimes on {where}:{remote.port}: is the port in "
            "use, or the address not this machine's? (gateway_host, gateway_port)"
        )
    tls = credentials is not None
    log.info("listening for remote runtimes", address=f"{where}:{bound}", tls=tls)
    if not tls and not is_loopback(remote.host):
        log.warning(
            "the gateway listens for remote runtimes without TLS: their tokens cross the "
            "network in clear; set gateway_tls_cert and gateway_tls_key",
            address=f"{where}:{bound}",
        )
    return f"{where}:{bound}"


def _where(peer: str, runtime_id: str) -> str:
    """Where a remote runtime runs, for the health page: the name of its machine (from
    its id, ``<language>@<name>/<instance>``) and its address."""
    address = peer.partition(":")[2] if peer.startswith(("ipv4:", "ipv6:")) else peer
    name = runtime_id.partition("/")[0].partition("@")[2]
    return f"{name} at {address}"


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
