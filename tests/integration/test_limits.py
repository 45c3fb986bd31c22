"""Request limits through a real server and real sockets: each bound gets its 4xx in our
JSON error shape, slow clients are closed in time, and a normal request is served right
after (and during) each of them."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator

import orjson
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

HEADER_TIMEOUT_S = 2.0
BODY_TIMEOUT_S = 2.0
KEEP_ALIVE_S = 1.0
LIMITS = {
    "STEPHOST_MAX_HEADER_COUNT": "50",
    "STEPHOST_MAX_HEADER_BYTES": "8192",
    "STEPHOST_MAX_JSON_DEPTH": "32",
    "STEPHOST_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
    "STEPHOST_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S),
    "STEPHOST_KEEP_ALIVE_TIMEOUT_S": str(KEEP_ALIVE_S),
}


@pytest.fixture(scope="module")
def shop() -> Iterator[StephostApp]:
    with StephostApp(ROOT / "examples" / "shop", env=LIMITS) as app:
        yield app


def good(app: StephostApp) -> None:
    response = app.post("/orders", json={"item": "pen", "quantity": 1})
    assert response.status_code == 201, response.text


def address(app: StephostApp) -> tuple[str, int]:
    host, port = app.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def raw_exchange(app: StephostApp, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` on a fresh socket; the status, headers and body of the answer."""
    with socket.create_connection(address(app), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def assert_error(status: int, headers: dict[str, str], body: bytes, code: str) -> str:
    error = orjson.loads(body)["error"]
    assert error["code"] == code, error
    assert headers["content-type"] == "application/json"
    assert headers["x-trace-id"] == error["traceId"]
    message: str = error["message"]
    return message


def test_too_many_headers_is_431(shop: StephostApp) -> None:
    headers = b"".join(b"x-h%d: v\r\n" % i for i in range(51))
    status, head, body = raw_exchange(
        shop, b"GET /orders/a HTTP/1.1\r\nhost: t\r\n" + headers + b"\r\n"
    )
    assert status == 431
    assert "more than 50 headers" in assert_error(status, head, body, "HEADERS_TOO_LARGE")
    good(shop)


def test_headers_over_the_byte_limit_are_431(shop: StephostApp) -> None:
    response = shop.get("/orders/a", headers={"x-big": "b" * 9000})
    assert response.status_code == 431
    assert response.headers["x-trace-id"] == response.json()["error"]["traceId"]
    assert "8192 bytes" in response.json()["error"]["message"]
    good(shop)


def test_megabytes_of_headers_are_refused_and_the_host_keeps_serving(shop: StephostApp) -> None:
    headers = b"".join(b"x-h%d: %s\r\n" % (i, b"v" * 1000) for i in range(10_000))
    with socket.create_connection(address(shop), timeout=10) as sock:
        # Refused after the first 8 KiB: the host reads and drops the rest, so it all goes
        # out and the answer is not lost to a reset.
        sock.sendall(b"GET /orders/a HTTP/1.1\r\nhost: t\r\n" + headers + b"\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    good(shop)


def test_a_malformed_request_gets_a_json_400(shop: StephostApp) -> None:
    status, head, body = raw_exchange(shop, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400
    assert "not a valid HTTP request" in assert_error(status, head, body, "BAD_REQUEST")
    good(shop)


def test_json_nested_past_the_bound_is_400(shop: StephostApp) -> None:
    for depth in (33, 300, 1000):
        body = b'{"item": ' + b"[" * depth + b"]" * depth + b', "quantity": 1}'
        response = shop.post("/orders", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["code"] in ("JSON_TOO_DEEP", "INVALID_JSON")  # 1000: orjson's own bound
        assert response.headers["x-trace-id"] == error["traceId"]
        if depth == 33:
            assert error["code"] == "JSON_TOO_DEEP"
            assert "deeper than 32 levels (at /item/0/0" in error["message"]
    good(shop)


def test_integers_beyond_2_53_are_400_naming_the_field(shop: StephostApp) -> None:
    for number in (b"9007199254740993", b"123456789012345678901234567890"):
        body = b'{"item": "pen", "quantity": ' + number + b"}"
        response = shop.post("/orders", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_FAILED"
        assert error["errors"][0]["path"] == "/quantity"
        assert number.decode() in error["errors"][0]["message"]
    good(shop)


def test_slow_clients_are_closed_in_time_and_do_not_stop_others(shop: StephostApp) -> None:
    """200 slowloris sockets keep sending a header now and then and never finish."""
    sockets = [socket.create_connection(address(shop), timeout=10) for _ in range(200)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /orders/a HTTP/1.1\r\nhost: t\r\n")
            sock.setblocking(False)
        started = time.monotonic()
        good(shop)  # served while they hang
        open_ = {sock.fileno(): sock for sock in sockets}
        answers: dict[int, bytes] = {}
        next_line = time.monotonic()
        while open_ and time.monotonic() - started < HEADER_TIMEOUT_S + 5:
            # A header line a socket every 0.3 s, however fast answers come: faster, a
            # socket answered late would pass the 50-header bound and get 431, not 408.
            if time.monotonic() >= next_line:
                next_line = time.monotonic() + 0.3
                for fd, sock in list(open_.items()):
                    try:
                        sock.send(b"x-slow: 1\r\n")
                    except OSError:
                        del open_[fd]
            wait = max(0.0, next_line - time.monotonic())
            readable, _, _ = select.select(list(open_.values()), [], [], wait)
            for sock in readable:
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                answers[sock.fileno()] = answers.get(sock.fileno(), b"") + data
                if not data:
                    del open_[sock.fileno()]
        elapsed = time.monotonic() - started
        assert not open_, f"{len(open_)} slow sockets still open after {elapsed:.1f}s"
        timed_out = [a for a in answers.values() if a.startswith(b"HTTP/1.1 408 ")]
        assert len(timed_out) == 200  # none lost to a reset: the host lingers before closing
        assert b"REQUEST_TIMEOUT" in timed_out[0]
        good(shop)
    finally:
        for sock in sockets:
            sock.close()


def test_a_client_still_sending_when_refused_reads_its_408(shop: StephostApp) -> None:
    """The host stops sending, reads and drops what still comes, and only then closes:
    closing at once would make the kernel answer the next header line with a reset,
    which discards the 408 the client has not read yet."""
    with socket.create_connection(address(shop), timeout=10) as sock:
        sock.sendall(b"GET /orders/a HTTP/1.1\r\nhost: t\r\n")
        until = time.monotonic() + HEADER_TIMEOUT_S + 0.8
        while time.monotonic() < until:  # still trickling well after the 408 was sent
            sock.sendall(b"x-slow: 1\r\n")
            time.sleep(0.05)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"the request's headers did not arrive within 2s" in answer
    good(shop)


def test_a_body_that_stops_coming_is_408(shop: StephostApp) -> None:
    with socket.create_connection(address(shop), timeout=BODY_TIMEOUT_S + 5) as sock:
        sock.sendall(
            b"POST /orders HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n"
            b'content-length: 100\r\n\r\n{"item": '
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"the request's body did not arrive within 2s" in answer
    good(shop)


def test_idle_kept_alive_connections_are_closed(shop: StephostApp) -> None:
    with socket.create_connection(address(shop), timeout=KEEP_ALIVE_S + 5) as sock:
        sock.sendall(b"GET /orders/nope HTTP/1.1\r\nhost: t\r\n\r\n")
        first = sock.recv(65536)
        while b"\r\n\r\n" not in first or not first.endswith(b"}"):  # the whole answer
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 404 ")
        started = time.monotonic()
        assert sock.recv(65536) == b""  # closed by the server, not by our timeout
        assert time.monotonic() - started < KEEP_ALIVE_S + 3
