"""The HTTP server (uvicorn), without uvicorn's own signal handling.

uvicorn re-raises SIGINT/SIGTERM once it has stopped serving, which would end the
process before the host drains its runtimes; the host handles those signals itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import uvicorn

from .limits import HttpLimits, limited_protocol


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
        timeout_keep_alive=keep_alive_s,  # type: ignore[arg-type]  # a float works
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=int(graceful_s) or None,
    )
    return QuietServer(config)
