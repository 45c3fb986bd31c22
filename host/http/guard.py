"""What every request to the admin listener must pass before the admin API sees it.

In this order, each refusal in the host's error shape:

1. ``Host`` names this host: an IP address, ``localhost``, or one of
   ``admin_allowed_hosts`` (403 ``FORBIDDEN_HOST``). A page on another domain that
   re-points its name at 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
2. ``Origin``, when a browser sends one, is the listener's own origin (403
   ``FORBIDDEN_ORIGIN``): another site's page can neither call the API nor open a
   live feed (WebSockets are not covered by the same-origin policy).
3. A bearer token whose role allows the request, when tokens are required (401
   ``UNAUTHENTICATED`` / 403 ``FORBIDDEN``; roles in ``host.admin_tokens``). It comes in
   ``Authorization: Bearer <token>``, or, on a WebSocket (a browser cannot set headers
   on one), as the subprotocol ``bearer.<token>`` offered beside ``stephost.admin.v1``
   (``SUBPROTOCOL``, the one the listener answers with). Never in the URL: URLs end up
   in access logs and browser history. The Workbench's own files (``GET
   /_stephost/ui/...``) need none: they hold no data, and the page asks for a token.
4. A mutation's body is JSON (415 ``UNSUPPORTED_MEDIA_TYPE`` otherwise, so no form or
   text/plain "simple" request a browser sends cross-site without asking is served),
   at most ``max_body_bytes`` (413), valid (no ``NaN`` or ``Infinity``), nested at most
   ``max_json_depth`` levels, with no integer beyond 2^53 (400).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson

from ..admin_tokens import Role, TokenStore, allows
from ..errors import HostError, InvalidJsonError, PayloadTooLargeError
from .app import ADMIN_PREFIX
from .limits import check_json

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MUTATIONS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a WebSocket client offers in Sec-WebSocket-Protocol: this, and its token as
# "bearer.<token>"; the listener answers with this one (never echoes the token).
SUBPROTOCOL = "stephost.admin.v1"
BEARER_SUBPROTOCOL = "bearer."
# The Workbench's built files: the same for everyone, so served without a token (the
# page signs in with one before it reads anything).
UI_FILES = f"{ADMIN_PREFIX}/ui"
# Writes that change the host's settings (beside every DELETE) need the admin role.
ADMIN_ONLY_PATHS = frozenset({f"{ADMIN_PREFIX}/layout"})


class RefusedError(HostError):
    """A request the admin listener refuses before the admin API sees it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, code=code)
        self.status = status


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request to the admin listener comes from: the role its token has (``admin``
    when no token is needed), and the token's id and note."""

    role: Role
    auth_required: bool
    token_id: str = ""
    token_name: str = ""


@dataclass(frozen=True, slots=True)
class AdminGuard:
    """The checks of one admin listener."""

    allowed_hosts: frozenset[str] = frozenset()  # host names beside IPs and localhost
    tokens: TokenStore | None = None  # None: no token needed (loopback)
    max_body_bytes: int = 1024 * 1024
    max_json_depth: int = 64

    def check_host(self, scope: Scope) -> None:
        host = _host_name(_header(scope, b"host"))
        if not _is_ip(host) and host != "localhost" and host not in self.allowed_hosts:
            raise RefusedError(
                403,
                "FORBIDDEN_HOST",
                f"the admin API does not answer to the host name {host or '(none)'!r}; list "
                "it in admin_allowed_hosts to allow it",
            )

    def check_origin(self, scope: Scope) -> None:
        origin = _header(scope, b"origin")
        if not origin:
            return  # not a browser's cross-site request: browsers send Origin on those
        parts = urlsplit(origin)
        own = _header(scope, b"host").lower()
        if origin == "null" or parts.netloc.lower() != own:
            raise RefusedError(
                403,
                "FORBIDDEN_ORIGIN",
                f"the admin API answers pages of its own origin only, not {origin!r}",
            )

    def check_token(self, scope: Scope) -> Caller | None:
        """The caller, once its token (if one is needed) allows the request (None: a
        Workbench file, which needs no token)."""
        if self.tokens is None:
            return Caller("admin", auth_required=False)
        if _is_ui_file(scope):
            return None
        presented = _bearer(scope) or _subprotocol_token(scope)
        token = self.tokens.find(presented)
        if token is None:
            where = (
                "(the subprotocols stephost.admin.v1 and bearer.<token>)"
                if scope["type"] == "websocket"
                else "(Authorization: Bearer <token>)"
            )
            wrong = "the admin API does not know this token (mistyped, or revoked)"
            raise RefusedError(
                401,
                "UNAUTHENTICATED",
                (wrong if presented else f"the admin API needs a bearer token here {where}")
                + "; make one with `stephost token create --role viewer|operator|admin`",
            )
        needed = needed_role(scope)
        if not allows(token.role, needed):
            raise RefusedError(
                403,
                "FORBIDDEN",
                f"{scope.get('method', 'WEBSOCKET')} {scope['path']} needs the {needed} role; "
                f"this token ({token.id}) is a {token.role}'s",
            )
        return Caller(token.role, auth_required=True, token_id=token.id, token_name=token.name)

    async def checked_body(self, scope: Scope, receive: Receive) -> Receive:
        """``receive``, once a mutation's body passed the checks (read here, then
        handed to the admin API as it came)."""
        if scope["type"] != "http" or scope["method"] not in MUTATIONS:
            return receive
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return _replay(message, receive)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise PayloadTooLargeError(
                    f"the body is larger than max_body_bytes ({self.max_body_bytes})"
                )
            chunks.append(chunk)
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        if raw:
            kind = _header(scope, b"content-type").split(";")[0].strip().lower()
            if kind != "application/json" and not kind.endswith("+json"):
                raise RefusedError(
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    f"the admin API takes JSON bodies only (content-type: application/json), "
                    f"not {kind or 'a body without a content-type'}",
                )
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise InvalidJsonError(
                    f"the body is not valid JSON (NaN and Infinity are not JSON): {exc}"
                ) from None
            check_json(raw, value, self.max_json_depth)
        whole = {"type": "http.request", "body": raw, "more_body": False}
        return _replay(whole, receive)


def needed_role(scope: Scope) -> Role:
    """The role a request to the admin listener needs."""
    method = str(scope.get("method", "GET"))
    if scope["type"] == "websocket" or method in ("GET", "HEAD", "OPTIONS"):
        return "viewer"
    if method == "DELETE" or scope.get("path") in ADMIN_ONLY_PATHS:
        return "admin"
    return "operator"


def _is_ui_file(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return (
        scope["type"] == "http"
        and scope.get("method") in ("GET", "HEAD")
        and (path == UI_FILES or path.startswith(UI_FILES + "/"))
    )


def _replay(first: Any, receive: Receive) -> Receive:
    """A ``receive`` that gives ``first`` (the message read already: the whole body, or
    the disconnect that came instead), then what ``receive`` gives."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return first

    return replay


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _bearer(scope: Scope) -> str:
    scheme, _, token = _header(scope, b"authorization").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def offered_subprotocols(scope: Scope) -> list[str]:
    """The subprotocols a WebSocket client offered (what uvicorn parsed, or the header)."""
    offered = scope.get("subprotocols")
    if offered is None:
        offered = _header(scope, b"sec-websocket-protocol").split(",")
    return [str(p).strip() for p in offered if str(p).strip()]


def _subprotocol_token(scope: Scope) -> str:
    if scope["type"] != "websocket":
        return ""
    for protocol in offered_subprotocols(scope):
        if protocol.startswith(BEARER_SUBPROTOCOL):
            return protocol[len(BEARER_SUBPROTOCOL) :]
    return ""


def _host_name(host: str) -> str:
    """The name in a Host header, without its port (``[::1]:3112`` -> ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
