"""Which listener serves what, and who may reach the admin API.

The host has two listeners:

- the **api** listener (``host``:``port``, 3111) serves the api steps, their
  description (``/openapi.json``, ``/docs``) and the stream subscriptions
  (``ws://…/_stephost/streams/{stream}/{group}``, which the api's own clients use);
  everything else under ``/_stephost/`` answers 404 there (``api_surface``);
- the **admin** listener (``admin_host``:``admin_port``, 3112, loopback by default)
  serves the admin API, the Workbench and metrics (``admin_listener``).

A deployment can expose the api port to the world and keep the admin port private.
Off loopback (or with ``admin_auth = "token"``) every admin request needs a bearer
token whose role allows it (``host.admin_tokens``, checked by ``host.http.guard``); a
WebSocket carries it as a subprotocol, which the listener takes out of the scope
before the admin API sees it, answering with ``stephost.admin.v1``. The caller (role,
token id) is in ``scope["state"]["caller"]`` (``GET /_stephost/whoami``).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from ..errors import HostError
from .app import ADMIN_PREFIX, _add_trace_header, _trace_of
from .guard import BEARER_SUBPROTOCOL, SUBPROTOCOL, AdminGuard, offered_subprotocols

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The one admin path the api listener serves: stream subscriptions (WebSocket).
PUBLIC_STREAMS = f"{ADMIN_PREFIX}/streams/"


def _not_here(message: str) -> ASGIApp:
    body = orjson.dumps({"error": {"code": "NOT_FOUND", "message": message}})

    async def answer(scope: Scope, _receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return answer


BUILD_SWITCH_INTERVAL_S = 0.0002  # Python's default is 0.005


class DeferredApp:
    """An app served before it is built: a request waits until ``build`` gives it.

    The admin API is one: importing and building it (FastAPI) is about 0.2 s of CPU,
    done in a thread once the runtimes are ready, so the api steps serve without it.
    """

    def __init__(self) -> None:
        self._built: asyncio.Future[ASGIApp] = asyncio.get_running_loop().create_future()

    async def build(self, make: Callable[[], ASGIApp]) -> None:
        """``make()`` in a thread; its app (or its error) answers every request."""
        # The thread holds the GIL while it imports; the event loop, asking for it, gets
        # it within the switch interval: short while building, so requests wait little.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(BUILD_SWITCH_INTERVAL_S)
        try:
            app = await asyncio.to_thread(make)
        except BaseException as exc:
            self._built.set_exception(exc)
            raise
        finally:
            sys.setswitchinterval(interval)
        self._built.set_result(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        built = self._built
        app = built.result() if built.done() else await asyncio.shield(built)
        await app(scope, receive, send)


def api_surface(admin: ASGIApp, *, admin_on: bool = True) -> ASGIApp:
    """What of ``admin`` the api listener serves: everything outside ``/_stephost/``
    (the api steps' docs) and the stream WebSockets; the rest of ``/_stephost/`` is 404.
    ``admin_on``: whether the host has an admin listener (the 404 says where to look)."""
    elsewhere = _not_here(
        "the admin API is not served on this port: it has a listener of its own "
        "(admin_port in stephost.toml, 3112 by default)"
        if admin_on
        else "the admin API is off on this host (admin = false in its settings)"
    )

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        public = not path.startswith(ADMIN_PREFIX) or (
            scope["type"] == "websocket" and path.startswith(PUBLIC_STREAMS)
        )
        await (admin if public else elsewhere)(scope, receive, send)

    return guarded


async def _refuse(scope: Scope, send: Send, error: HostError) -> None:
    """``error`` as the answer in our error shape, a refused WebSocket handshake included
    (where the server can answer one with a response; else the socket is closed)."""
    kind = "http"
    if scope["type"] == "websocket":
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": 1008, "reason": error.message[:120]})
            return
        kind = "websocket.http"
    body = orjson.dumps(error.to_json())
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if error.status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="stephost admin"'))
    await send({"type": f"{kind}.response.start", "status": error.status, "headers": headers})
    await send({"type": f"{kind}.response.body", "body": body})


def _socket_without_token(scope: Scope, send: Send) -> Send:
    """For a WebSocket: takes its token out of the offered subprotocols (the admin API
    never sees it), and answers with ``stephost.admin.v1`` when it was offered (a browser drops
    a socket whose server picks none of the subprotocols it offered)."""
    offered = offered_subprotocols(scope)
    kept = [p for p in offered if not p.startswith(BEARER_SUBPROTOCOL)]
    scope["subprotocols"] = kept
    scope["headers"] = [
        (name, ", ".join(kept).encode()) if name == b"sec-websocket-protocol" else (name, value)
        for name, value in scope.get("headers", ())
    ]
    if SUBPROTOCOL not in offered:
        return send

    async def accepting(message: Any) -> None:
        if message["type"] == "websocket.accept" and not message.get("subprotocol"):
            message = {**message, "subprotocol": SUBPROTOCOL}
        await send(message)

    return accepting


def admin_listener(admin: ASGIApp, guard: AdminGuard) -> ASGIApp:
    """The admin listener's app: ``admin``, behind ``guard``'s checks (Host, Origin,
    token and role, JSON bodies within bounds), each HTTP response with its
    ``x-trace-id``."""

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await admin(scope, receive, send)
            return
        try:
            guard.check_host(scope)
            guard.check_origin(scope)
            caller = guard.check_token(scope)
            receive = await guard.checked_body(scope, receive)
        except HostError as exc:
            await _refuse(scope, send, exc)
            return
        if caller is not None:
            scope.setdefault("state", {})["caller"] = caller
        if scope["type"] == "websocket":
            send = _socket_without_token(scope, send)
        else:
            trace_id = _trace_of(scope)[0]
            scope.setdefault("state", {})["trace_id"] = trace_id
            send = _add_trace_header(send, trace_id)
        await admin(scope, receive, send)

    return serve
