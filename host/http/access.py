"""Who may reach the admin API and the Workbench (``/_stephost/``).

They have no login yet, so they are served on loopback only: ``load_settings``
refuses any other listening address while they are on. ``admin = false`` turns them
off, for a host that serves its api steps to the network; ``/openapi.json`` and
``/docs`` (the api steps' own description) stay.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from .app import ADMIN_PREFIX

Scope = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]
]


def without_admin(admin: ASGIApp) -> ASGIApp:
    """``admin`` with everything under ``/_stephost/`` answering 404."""
    body = orjson.dumps(
        {
            "error": {
                "code": "NOT_FOUND",
                "message": "the admin API is off on this host (admin = false in its settings)",
            }
        }
    )

    async def guarded(
        scope: Scope,
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if not str(scope.get("path", "")).startswith(ADMIN_PREFIX):
            await admin(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ]
            await send({"type": "http.response.start", "status": 404, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    return guarded
