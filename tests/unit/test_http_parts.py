"""The pure parts of the HTTP layer: body parsing and response building."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from stephost_host.errors import InvalidJsonError, UnsupportedMediaTypeError
from stephost_host.http.app import _parse_body, _response
from stephost_host.http.limits import OneWritePerTurn
from stephost_host.invocation import ApiResponse


def test_json_form_text_and_empty_bodies() -> None:
    # The value (checked against the schema) and the JSON the handler gets: JSON as sent.
    assert _parse_body(b'{"a": 1}', "application/json; charset=utf-8", 64) == (
        {"a": 1},
        b'{"a": 1}',
    )
    assert _parse_body(b'{"a": 1}', "", 64) == ({"a": 1}, b'{"a": 1}')
    assert _parse_body(b"[1]", "application/vnd.api+json", 64) == ([1], b"[1]")
    form = _parse_body(b"a=1&b=", "application/x-www-form-urlencoded", 64)
    assert form == ({"a": "1", "b": ""}, b'{"a":"1","b":""}')
    assert _parse_body(b"hello", "text/plain", 64) == ("hello", b'"hello"')
    assert _parse_body(b"", "application/json", 64) == (None, b"")


def test_malformed_json_names_the_position() -> None:
    with pytest.raises(InvalidJsonError, match="not valid JSON"):
        _parse_body(b'{"a": ', "application/json", 64)


def test_unknown_media_type_is_refused() -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="application/octet-stream"):
        _parse_body(b"\x00\x01", "application/octet-stream", 64)


def test_response_defaults_to_json() -> None:
    status, headers, content = _response(ApiResponse(201, {}, b'{"id":"x"}'))
    assert status == 201
    assert (b"content-type", b"application/json") in headers
    assert (b"content-length", b"10") in headers
    assert content == b'{"id":"x"}'


def test_response_text_with_declared_type_and_no_body_statuses() -> None:
    _, headers, content = _response(
        ApiResponse(200, {"Content-Type": "text/html", "X-A": "1"}, rb'"h\u00e9 <b>"')
    )
    assert content == "hé <b>".encode()
    assert (b"content-type", b"text/html") in headers
    assert (b"x-a", b"1") in headers
    assert _response(ApiResponse(204, {}, b'{"ignored":true}'))[2] == b""
    assert _response(ApiResponse(200, {}, b"null"))[2] == b""


@pytest.mark.parametrize(
    "response",
    [
        ApiResponse(99, {}, b""),
        ApiResponse(600, {}, b""),
        ApiResponse(200, {"x-name": "caf\u20ac"}, b""),  # not latin-1
        ApiResponse(200, {"content-type": "text/plain"}, b'"unterminated'),
    ],
)
def test_responses_that_break_the_contract_are_refused(response: ApiResponse) -> None:
    with pytest.raises(ValueError):
        _response(response)


def test_json_nested_past_the_bound_is_refused_with_where() -> None:
    from stephost_host.errors import JsonTooDeepError
    from stephost_host.http.limits import check_json

    deep = b'{"a": ' + b"[" * 64 + b"]" * 64 + b"}"
    with pytest.raises(JsonTooDeepError, match=r"deeper than 64 levels \(at /a/0/0"):
        _parse_body(deep, "application/json", 64)
    # Exactly at the bound passes; brackets inside strings do not count.
    at_bound = b"[" * 64 + b"]" * 64
    assert _parse_body(at_bound, "application/json", 64)[1] == at_bound
    check_json(b'["' + b"[" * 100 + b'"]', ["[" * 100], 64)


def test_integers_beyond_2_53_are_refused_naming_the_field() -> None:
    from stephost_host.errors import ValidationError
    from stephost_host.http.limits import check_json

    raw = b'{"ok": 9007199254740991, "neg": -9007199254740991, "s": "12345678901234567890"}'
    check_json(raw, None, 64)  # the largest safe integers, and digits in a string, pass
    for number in (b"9007199254740992", b"-18446744073709551616", b"1" + b"0" * 300):
        body = b'{"items": [{"qty": 1}, {"a/b": ' + number + b"}]}"
        with pytest.raises(ValidationError) as caught:
            _parse_body(body, "application/json", 64)
        assert caught.value.errors[0]["path"] == "/items/1/a~1b"
        assert "beyond 2^53" in caught.value.errors[0]["message"]
        assert len(caught.value.message) < 400  # a 300-digit number is not echoed whole


def test_a_request_must_fit_in_one_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from stephost_host.errors import ProjectError
    from stephost_host.settings import load_settings

    monkeypatch.setenv("STEPHOST_MAX_BODY_BYTES", str(20 * 1024 * 1024))
    with pytest.raises(ProjectError, match=r"must fit in max_message_bytes \(16777216\)"):
        load_settings(tmp_path)
    monkeypatch.setenv("STEPHOST_MAX_MESSAGE_BYTES", str(24 * 1024 * 1024))
    assert load_settings(tmp_path).max_message_bytes == 24 * 1024 * 1024


def test_a_crash_of_the_host_is_a_json_500_with_the_trace_id() -> None:
    """Whatever escapes the host's own code while serving an api step (a bug) still
    answers in the JSON error shape with x-trace-id, never uvicorn's plain-text page."""
    import asyncio
    from typing import Any

    import orjson

    from stephost_host.catalog import Catalog, parse_step
    from stephost_host.http.app import HostApp

    class BrokenPool:
        async def invoke(self, *_args: Any, **_kwargs: Any) -> Any:
            raise RuntimeError("a bug in the host")

    async def admin(*_args: Any) -> None:
        raise AssertionError("not the admin's request")

    async def go() -> list[dict[str, Any]]:
        app = HostApp(BrokenPool(), admin, 1000)  # type: ignore[arg-type]
        api = parse_step(
            {"type": "api", "name": "A", "method": "GET", "path": "/a"}, language="python", file="f"
        )
        app.apply(Catalog(steps={"A": api}))
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/a", "headers": [], "query_string": b""}
        await app(scope, receive, send)
        return sent

    start, body = asyncio.run(go())
    headers = dict(start["headers"])
    error = orjson.loads(body["body"])["error"]
    assert start["status"] == 500
    assert headers[b"content-type"] == b"application/json"
    assert error == {
        "code": "INTERNAL",
        "message": "internal error: RuntimeError",
        "traceId": headers[b"x-trace-id"].decode(),
    }


class RecordingTransport:
    """What reached the socket, in order."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.sent.append(data.decode())

    def write_eof(self) -> None:
        self.sent.append("<eof>")

    def close(self) -> None:
        self.sent.append("<close>")
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0


def test_a_turns_writes_leave_as_one_at_the_next_turn() -> None:
    async def go() -> None:
        raw = RecordingTransport()
        writes = OneWritePerTurn(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        writes.write(b"HTTP/1.1 200 OK\r\n\r\n")
        writes.write(b"{}")
        assert raw.sent == []  # held in this turn
        await asyncio.sleep(0)
        assert raw.sent == ["HTTP/1.1 200 OK\r\n\r\n{}"]  # one write: head and body
        writes.write(b"more")
        await asyncio.sleep(0)
        assert raw.sent[1:] == ["more"]
        assert writes.get_write_buffer_size() == 0  # the rest is the transport's own

    asyncio.run(go())


def test_what_is_held_goes_before_a_close_or_an_end_and_nothing_after_it() -> None:
    async def go() -> None:
        raw = RecordingTransport()
        writes = OneWritePerTurn(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        writes.write(b"head")
        writes.write_eof()
        writes.write(b"last")
        writes.close()
        writes.write(b"late")
        await asyncio.sleep(0)
        assert raw.sent == ["head", "<eof>", "last", "<close>"]

    asyncio.run(go())
