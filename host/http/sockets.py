"""What the admin API's WebSocket feeds share (host.http.admin, host.workbench.live)."""

from __future__ import annotations

import contextlib

from fastapi import WebSocket, WebSocketDisconnect


async def until_closed(websocket: WebSocket) -> None:
    """Return when the client closes the socket (what it sends is ignored)."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
