"""The ASGI app the HTTP server runs: api steps first, then the host's own API.

Requests for api steps are served here directly, without the framework's
per-request machinery: read the body (bounded), check it against the step's
schema, invoke the step through the runtime pool, answer with what the handler
returned (or 503 RUNTIME_UNAVAILABLE, at once, while the step's runtime group has
no live connection: see ``host.runtimes.groups``). Everything else
(``/_stephost/...``, ``/openapi.json``, ``/docs``) goes to the FastAPI app in
``host.http.admin``. Every response carries ``x-trace-id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

import orjson

from ..catalog import Catalog, StepConfig
from ..errors import (
    HostError,
    InvalidJsonError,
    InvocationCancelledError,
    MethodNotAllowedError,
    NotFoundError,
    PayloadTooLargeError,
    RuntimeUnavailableError,
    StepFailedError,
    TransportError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from ..invocation import ApiRequest, ApiResponse, Cancellation, Invocation
from ..model import Failure
from ..runtimes.pool import RuntimePool
from ..settings import CorsSettings
from ..telemetry import (
    Span,
    get_logger,
    new_span_id,
    new_trace_id,
    parse_traceparent,
    spans,
)
from .auth import Authenticator, AuthMisconfiguredError
from .cors import with_cors
from .limits import check_json
from .routes import RouteTable

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ADMIN_PREFIX = "/_stephost"
FRAMEWORK_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
DOCS_ASSETS = "/docs/assets"  # Swagger UI's files, served by the admin app
NO_BODY_STATUS = frozenset({204, 304})
# A request still waiting for its handler after this long starts being watched for its
# client going away (see ClientWatch).
WATCH_AFTER_S = 0.05

log = get_logger(component="http")


class ClientGoneError(Exception):
    """The client disconnected (before sending its whole body, or while its handler ran)."""


class HostApp:
    def __init__(
        self,
        pool: RuntimePool,
        admin: ASGIApp,
        max_body_bytes: int,
        max_json_depth: int = 64,
        *,
        auth: Authenticator | None = None,
        cors: CorsSettings | None = None,
    ) -> None:
        self._pool = pool
        self._admin = admin
        self._max_body = max_body_bytes
        self._max_depth = max_json_depth
        self.routes = RouteTable([])
        self._unavailable: frozenset[str] = frozenset()
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._clients = ClientWatch()
        self._auth = auth
        # The api steps, behind CORS when the project allows other origins (never /_stephost/).
        self._public = with_cors(self._api, cors)

    def apply(self, catalog: Catalog) -> None:
        if self._auth is not None:
            self._auth.apply(catalog)
        steps = catalog.of_type("api")
        self.routes = RouteTable(steps)
        self._unavailable = catalog.unavailable
        self._limits = {
            s.name: self._limits.get(s.name) or asyncio.Semaphore(s.concurrency)
            for s in steps
            if s.concurrency
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._admin(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(ADMIN_PREFIX) or path in FRAMEWORK_PATHS or path.startswith(DOCS_ASSETS):
            trace_id = _trace_of(scope)[0]
            scope.setdefault("state", {})["trace_id"] = trace_id
            await self._admin(scope, receive, _add_trace_header(send, trace_id))
            return
        await self._public(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An api step's request, from route to response."""
        trace_id, parent_id = _trace_of(scope)
        path: str = scope["path"]
        method: str = scope["method"]
        match = self.routes.match(method, path)
        if match is None:
            allowed = self.routes.allowed_methods(path)
            if allowed:
                error: HostError = MethodNotAllowedError(
                    f"{method} is not allowed on {path}; allowed: {', '.join(allowed)}"
                )
                extra = [(b"allow", ", ".join(allowed).encode())]
            else:
                error = NotFoundError(f"no api step serves {method} {path}")
                extra = []
            await _send_json(send, error.status, error.to_json(trace_id), trace_id, extra)
            return
        step = match.step
        started = time.perf_counter()
        start_ms = time.time() * 1000
        span_id = new_span_id()
        status = 500
        try:
            if step.name in self._unavailable:
                raise RuntimeUnavailableError(
                    f"{step.name} has no {step.language} runtime connected now (it is "
                    "restarting); try again shortly",
                    step=step.name,
                )
            limit = self._limits.get(step.name)
            if limit is None:
                status = await self._serve(
                    scope, receive, send, step, match.params, trace_id, span_id, parent_id
                )
            else:
                async with limit:
                    status = await self._serve(
                        scope, receive, send, step, match.params, trace_id, span_id, parent_id
                    )
        except ClientGoneError:
            status = 499
            scope["stephost.refused"] = True
        except HostError as exc:
            status = exc.status
            if isinstance(exc, TransportError):  # a handler ran, or was meant to
                scope["stephost.failure"] = exc.as_failure(step.name, retryable=True)
            else:
                scope["stephost.refused"] = True  # answered by the host; no handler ran
            await _send_json(send, status, exc.to_json(trace_id), trace_id, exc.response_headers())
        except Exception as exc:  # a bug of ours: still one JSON answer, and the real error
            status = 500
            error = HostError(f"internal error: {type(exc).__name__}")
            scope["stephost.failure"] = error.as_failure(step.name)
            log.exception("api request crashed", step=step.name, trace_id=trace_id)
            with contextlib.suppress(Exception):  # unless the response had begun
                await _send_json(send, status, error.to_json(trace_id), trace_id)
        duration_ms = (time.perf_counter() - started) * 1000
        try:
            # The answer goes out at the loop's next turn (http.limits.OneWritePerTurn): this
            # lets it leave before the log line and the span are made.
            await asyncio.sleep(0)
        finally:
            log.info(
                "api",
                method=method,
                path=path,
                status=status,
                step=step.name,
                language=step.language,
                trace_id=trace_id,
                duration_ms=round(duration_ms, 3),
            )
            spans.record(
                Span(
                    trace_id=trace_id,
                    span_id=span_id,
                    parent_id=parent_id,
                    name=f"{method} {step.route}",
                    step=step.name,
                    language=step.language,
                    kind="api",
                    start_unix_ms=start_ms,
                    duration_ms=duration_ms,
                    status="ok" if status < 500 else "error",
                    attributes={
                        "http.status": status,
                        "refused": scope.get("stephost.refused", False),
                    },
                    error=_error_of(scope.get("stephost.failure")),
                )
            )

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        step: StepConfig,
        params: dict[str, str],
        trace_id: str,
        span_id: str,
        parent_id: str,
    ) -> int:
        headers = _headers(scope)
        query = _query(scope)
        # W3C: a tracestate goes with the traceparent it came with, or not at all.
        tracestate = headers.get("tracestate", "") if parent_id else ""
        principal = b""
        if step.auth is not None:  # before the body is read: strangers learn nothing
            if self._auth is None:
                raise AuthMisconfiguredError(f"{step.name} has `auth`, but no authenticator")
            asked = ApiRequest(scope["method"], scope["path"], params, query, headers, b"")
            principal = await self._auth.check(step, asked, trace_id, span_id, tracestate)
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_body:
            raise PayloadTooLargeError(
                f"the body is {declared} bytes; the limit is {self._max_body} bytes"
            )
        raw = await _read_body(receive, self._max_body)
        content_type = headers.get("content-type", "")
        body, body_json = _parse_body(raw, content_type, self._max_depth)
        if step.body_schema is not None:
            errors = step.body_schema.errors(body)
            if errors:
                what = f"the body does not match the schema of {step.name}"
                raise ValidationError(what, errors, hint=_json_sent_as_other(raw, content_type))
        request = ApiRequest(
            scope["method"], scope["path"], params, query, headers, body_json, principal
        )
        invocation = Invocation(
            step, "api", b"", trace_id, span_id, request=request, tracestate=tracestate
        )
        cancellation = Cancellation()
        self._clients.add(receive, cancellation)
        try:
            outcome = await self._pool.invoke(invocation, cancellation)
        except InvocationCancelledError:
            raise ClientGoneError from None  # the handler was told; nobody reads an answer
        except TransportError as exc:
            self._log_failure(step, exc.as_failure(step.name), trace_id)
            raise
        finally:
            self._clients.discard(cancellation)
        if outcome.failure is not None:
            scope["stephost.failure"] = outcome.failure  # for the request's span
            return await self._fail(send, step, outcome.failure, trace_id)
        try:
            if outcome.response is None:
                raise ValueError("the runtime sent no response")
            status, response_headers, content = _response(outcome.response)
        except ValueError as exc:
            failure = Failure(
                "BAD_RESPONSE", f"{step.name} returned an unusable response: {exc}", step=step.name
            )
            scope["stephost.failure"] = failure
            return await self._fail(send, step, failure, trace_id)
        response_headers.append((b"x-trace-id", trace_id.encode()))
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": content})
        return status

    async def _fail(self, send: Send, step: StepConfig, failure: Failure, trace_id: str) -> int:
        self._log_failure(step, failure, trace_id)
        error = StepFailedError(failure)
        status = error.status
        await _send_json(send, status, error.to_json(trace_id), trace_id, error.response_headers())
        return status

    def _log_failure(self, step: StepConfig, failure: Failure, trace_id: str) -> None:
        log.error(
            "api handler failed",
            step=step.name,
            language=failure.language or step.language,
            trace_id=trace_id,
            error=failure.to_json(),
        )


class ClientWatch:
    """Cancels the invocation of a request whose client goes away.

    The request's body is read, so its next ASGI message is http.disconnect: when the
    client goes (or once the response is sent, when cancelling does nothing any more).
    Awaiting it costs a task per request; most requests are answered first. So a request
    is watched only once it has waited ``WATCH_AFTER_S``: one sweep every
    ``WATCH_AFTER_S`` starts the watchers of those still waiting, and a client that left
    earlier is noticed then.
    """

    def __init__(self) -> None:
        self._waiting: dict[Cancellation, tuple[float, Receive]] = {}
        self._sweeper: asyncio.Task[None] | None = None

    def add(self, receive: Receive, cancellation: Cancellation) -> None:
        loop = asyncio.get_running_loop()
        self._waiting[cancellation] = (loop.time(), receive)
        if self._sweeper is None:
            self._sweeper = loop.create_task(self._sweep(), name="client-watch")

    def discard(self, cancellation: Cancellation) -> None:
        self._waiting.pop(cancellation, None)

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            await asyncio.sleep(WATCH_AFTER_S)
            due = loop.time() - WATCH_AFTER_S
            for cancellation, (since, receive) in list(self._waiting.items()):
                if since <= due:
                    del self._waiting[cancellation]
                    watcher = asyncio.ensure_future(receive())
                    watcher.add_done_callback(partial(_cancel_on_disconnect, cancellation))
        self._sweeper = None


def _error_of(failure: Failure | None) -> dict[str, Any] | None:
    return failure.to_json() if failure is not None else None


def _cancel_on_disconnect(cancellation: Cancellation, watcher: asyncio.Future[Message]) -> None:
    if (
        not watcher.cancelled()
        and watcher.exception() is None
        and watcher.result()["type"] == "http.disconnect"
    ):
        cancellation.cancel("client disconnected")


def _trace_of(scope: Scope) -> tuple[str, str]:
    for name, value in scope["headers"]:
        if name == b"traceparent":
            parsed = parse_traceparent(value.decode("latin-1"))
            if parsed:
                return parsed
    return new_trace_id(), ""


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _query(scope: Scope) -> dict[str, list[str]]:
    raw = scope.get("query_string", b"")
    if not raw:
        return {}
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGoneError
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _parse_body(raw: bytes, content_type: str, max_depth: int) -> tuple[Any, bytes]:
    """The body as a value (to check it) and as JSON (for the handler): JSON is passed on
    as the client sent it (within the bounds of ``check_json``), a form becomes an object
    of strings, text a string."""
    if not raw:
        return None, b""
    media = content_type.split(";", 1)[0].strip().lower()
    if not media or media == "application/json" or media.endswith("+json"):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidJsonError(f"the body is not valid JSON: {exc}") from None
        check_json(raw, value, max_depth)
        return value, raw
    if media == "application/x-www-form-urlencoded":
        form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return form, orjson.dumps(form)
    if media.startswith("text/"):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsupportedMediaTypeError("a text body must be UTF-8") from None
        return text, orjson.dumps(text)
    raise UnsupportedMediaTypeError(
        f"content-type {media} is not supported; send application/json, a form, or text"
    )


def _json_sent_as_other(raw: bytes, content_type: str) -> str:
    """A hint when a JSON body came with another content-type (curl -d sends a form)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if not media or media == "application/json" or media.endswith("+json"):
        return ""
    if raw.lstrip()[:1] not in (b"{", b"["):
        return ""
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        return ""
    return (
        f" (the body is JSON but came as {media}, so it was not read as JSON: "
        "send it with the header content-type: application/json)"
    )


def _response(response: ApiResponse) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and content to send; ValueError when the runtime broke the
    contract (a status out of range)."""
    status = response.status
    if not 100 <= status <= 599:
        raise ValueError(f"status must be an integer from 100 to 599, got {status}")
    headers: list[tuple[bytes, bytes]] = []
    content_type = ""
    for name, value in response.headers.items():
        lower = name.lower()
        if lower == "content-type":
            content_type = value
        elif lower not in ("content-length", "x-trace-id"):
            headers.append((lower.encode("latin-1"), value.encode("latin-1")))
    body = response.body
    if status in NO_BODY_STATUS or not body or body == b"null":
        content = b""
    elif content_type and "json" not in content_type and body[:1] == b'"':
        content = orjson.loads(body).encode()  # text the handler declared as such
    else:
        content = body
        content_type = content_type or "application/json"
    if content_type and content:
        headers.append((b"content-type", content_type.encode("latin-1")))
    headers.append((b"content-length", str(len(content)).encode()))
    return status, headers, content


async def _send_json(
    send: Send,
    status: int,
    body: Any,
    trace_id: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    content = orjson.dumps(body)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
        (b"x-trace-id", trace_id.encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def _add_trace_header(send: Send, trace_id: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"x-trace-id", trace_id.encode())]
        await send(message)

    return wrapped
