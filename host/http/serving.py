"""The HTTP server (uvicorn), without uvicorn's own signal handling.

uvicorn re-raises SIGINT/SIGTERM once it has stopped serving, which would end the
process before the host drains its runtimes; the host handles those signals itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import uvicorn

from .limits import HttpLimits, limited_protocol


class LazyWebSocketProtocol(asyncio.Protocol):
    """uvicorn's WebSocket protocol, imported at the first upgrade (the Workbench's live
    feeds) rather than as the server starts: a host nobody watches never loads the
    websockets package (1.5 MB of its idle memory in the flow bench, and work for the
    start-up thread)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol

        assert AutoWebSocketsProtocol is not None  # uvicorn[standard] brings websockets
        return AutoWebSocketsProtocol(*args, **kwargs)


class QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def make_server(
    app: Any, graceful_s: float, limits: HttpLimits, keep_alive_s: float
) -> QuietServer:
    config = uvicorn.Config(
        app,
        http=limited_protocol(limits),
        ws=LazyWebSocketProtocol,
        timeout_keep_alive=keep_alive_s,  # type: ignore[arg-type]  # a float works
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=int(graceful_s) or None,
    )
    return QuietServer(config)
