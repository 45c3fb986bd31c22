"""What the admin listener checks before the admin API sees a request: the Host
(DNS rebinding), the Origin (cross-site pages, WebSockets included), JSON-only
mutations, and bounds on every input; each refusal in the host's error shape, and
never a 500."""

from __future__ import annotations

import base64
import math
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from websockets.sync.client import connect

from stephost_host.testing import StephostApp

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).parents[1] / "conformance" / "python"
THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000


@pytest.fixture(scope="module")
def app() -> Iterator[StephostApp]:
    with StephostApp(PROJECT) as running:
        yield running


def raw(app: StephostApp, method: str, path: str, **kwargs: Any) -> httpx.Response:
    with httpx.Client(base_url=app.admin_url, timeout=30) as client:
        return client.request(method, path, **kwargs)


def ws_status(app: StephostApp, path: str, headers: dict[str, str]) -> int:
    """The status a WebSocket handshake gets (101: accepted), headers as given (a Host
    header among them replaces the real one)."""
    url = urlsplit(app.admin_url)
    fields = {
        "host": url.netloc,
        "upgrade": "websocket",
        "connection": "Upgrade",
        "sec-websocket-key": base64.b64encode(os.urandom(16)).decode(),
        "sec-websocket-version": "13",
        **headers,
    }
    request = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(request.encode() + b"\r\n")
        status_line = conn.makefile("rb").readline()
    return int(status_line.split()[1])


def error(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


def test_a_foreign_host_header_is_refused(app: StephostApp) -> None:
    port = app.admin_url.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", f"rebind.attacker.test:{port}"):
        response = raw(app, "GET", "/_stephost/health", headers={"host": host})
        assert response.status_code == 403, host
        assert error(response)["code"] == "FORBIDDEN_HOST"
        assert "admin_allowed_hosts" in error(response)["message"]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "[::1]", "10.1.2.3"):
        assert raw(app, "GET", "/_stephost/health", headers={"host": host}).status_code == 200
    assert ws_status(app, "/_stephost/live/counters", {"host": "evil.example"}) == 403
    assert ws_status(app, "/_stephost/live/counters", {}) == 101


def test_a_host_name_can_be_allowed_by_setting() -> None:
    env = {"STEPHOST_ADMIN_ALLOWED_HOSTS": '["ops.internal"]'}
    with StephostApp(PROJECT, env=env) as app:
        assert raw(app, "GET", "/_stephost/health", headers={"host": "ops.internal"}).is_success
        assert raw(app, "GET", "/_stephost/health", headers={"host": "evil"}).status_code == 403


def test_a_foreign_origin_is_refused_for_requests_and_websockets(app: StephostApp) -> None:
    own = app.admin_url
    assert raw(app, "GET", "/_stephost/health", headers={"origin": own}).status_code == 200
    for origin in ("https://evil.example", "null", "http://localhost:1"):
        response = raw(
            app, "POST", "/_stephost/emit", json={"topic": "ks.in"}, headers={"origin": origin}
        )
        assert response.status_code == 403, origin
        assert error(response)["code"] == "FORBIDDEN_ORIGIN"
    feed = "/_stephost/live/counters"
    assert ws_status(app, feed, {"origin": "https://evil.example"}) == 403
    assert ws_status(app, feed, {"origin": own}) == 101
    url = own.replace("http://", "ws://") + feed
    with connect(url, origin=own, open_timeout=5) as ws:  # type: ignore[arg-type]
        assert ws.recv(timeout=5)


def test_on_loopback_no_token_is_needed_and_the_caller_is_an_admin(app: StephostApp) -> None:
    answer = raw(app, "GET", "/_stephost/whoami")
    assert answer.json() == {"role": "admin", "authRequired": False, "tokenId": "", "tokenName": ""}
    # The Workbench offers its subprotocol whether or not it holds a token.
    url = app.admin_url.replace("http://", "ws://") + "/_stephost/live/counters"
    with connect(url, subprotocols=["stephost.admin.v1"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "stephost.admin.v1"
        assert ws.recv(timeout=5)


def test_mutations_take_json_only_so_a_cross_site_simple_post_is_refused(app: StephostApp) -> None:
    app.state.set("guard", "k", {"v": 1})
    for kind in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ):
        response = raw(
            app,
            "POST",
            "/_stephost/dlq/1/replay",
            content=b'{"a": 1}',
            headers={"content-type": kind},
        )
        assert response.status_code == 415, kind
        assert error(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"
        put = raw(
            app, "PUT", "/_stephost/state/guard/k", content=b"2", headers={"content-type": kind}
        )
        assert put.status_code == 415
    no_type = raw(app, "PUT", "/_stephost/state/guard/k", content=b"2")
    assert no_type.status_code == 415
    assert app.state.get("guard", "k") == {"v": 1}  # nothing changed
    # a POST with no body at all needs no content type (the CLI's `dlq replay`)
    assert raw(app, "POST", "/_stephost/dlq/999999/replay").status_code == 404


def _deep(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        # NaN and Infinity are not JSON: refused, never stored as null
        ("PUT", "/_stephost/state/guard/n", b"NaN", 400),
        ("PUT", "/_stephost/state/guard/n", b'{"x": Infinity}', 400),
        ("PUT", "/_stephost/state/guard/n", b"1e999", 400),
        ("POST", "/_stephost/emit", b'{"topic": "ks.in", "data": NaN}', 400),
        # delayMs within 30 days: 1e15 ms would keep the host busy for 31,000 years
        ("POST", "/_stephost/emit", b'{"topic": "ks.in", "delayMs": 1e15}', 400),
        ("POST", "/_stephost/emit", b'{"topic": "ks.in", "delayMs": 1e20}', 400),
        ("POST", "/_stephost/emit", b'{"topic": "ks.in", "delayMs": -1}', 400),
        ("POST", "/_stephost/emit", b'{"topic": "ks.in", "delayMs": "soon"}', 400),
        # depth, size and lengths
        ("PUT", "/_stephost/state/guard/n", _deep(300), 400),
        ("POST", "/_stephost/emit", b'{"topic": "ks.in", "data": ' + _deep(300) + b"}", 400),
        ("PUT", "/_stephost/state/guard/n", b'"' + b"x" * (2 * 1024 * 1024) + b'"', 413),
        ("POST", "/_stephost/emit", orjson.dumps({"topic": "t" * 1000}), 400),
        ("POST", "/_stephost/emit", orjson.dumps({"topic": "ks.in", "groupId": "g" * 1000}), 400),
        ("POST", "/_stephost/emit", b"[1, 2]", 400),
        ("POST", "/_stephost/emit", b"{nope", 400),
        ("POST", "/_stephost/dlq/replay", orjson.dumps({"ids": ["x"] * 5000}), 400),
        ("PUT", "/_stephost/layout", b'{"flows": {"f": {"S": {"x": 1e400, "y": 0}}}}', 400),
    ],
)
def test_admin_input_out_of_bounds_is_a_4xx_in_our_error_shape(
    app: StephostApp, method: str, path: str, body: bytes, status: int
) -> None:
    response = raw(app, method, path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text[:300]
    assert set(error(response)) >= {"code", "message"}
    assert app.state.get("guard", "n") is None


@pytest.mark.parametrize(
    "path",
    [
        "/_stephost/dlq?limit=-1",
        "/_stephost/dlq?limit=100000000000000000000",
        "/_stephost/messages?limit=0",
        "/_stephost/logs?after=-5",
        "/_stephost/traces?limit=1e9",
        f"/_stephost/state/{'g' * 1000}",
    ],
)
def test_query_and_path_bounds(app: StephostApp, path: str) -> None:
    response = raw(app, "GET", path)
    assert response.status_code == 400, response.text[:300]
    assert error(response)["code"] == "VALIDATION_FAILED"


def test_values_within_bounds_still_work(app: StephostApp) -> None:
    ok = raw(app, "POST", "/_stephost/emit", json={"topic": "ks.in", "delayMs": THIRTY_DAYS_MS})
    assert ok.status_code == 202
    assert (
        raw(
            app,
            "PUT",
            "/_stephost/state/guard/ok",
            content=_deep(60),
            headers={"content-type": "application/json"},
        ).status_code
        == 200
    )
    assert raw(app, "PUT", "/_stephost/state/guard/f", json=math.pi).json()["value"] == math.pi
