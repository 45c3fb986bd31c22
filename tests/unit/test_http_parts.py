"""The pure parts of the HTTP layer: body parsing and response building."""

from __future__ import annotations

import pytest

from stephost_host.errors import InvalidJsonError, UnsupportedMediaTypeError
from stephost_host.http.app import _parse_body, _response
from stephost_host.invocation import ApiResponse


def test_json_form_text_and_empty_bodies() -> None:
    # The value (checked against the schema) and the JSON the handler gets: JSON as sent.
    assert _parse_body(b'{"a": 1}', "application/json; charset=utf-8") == ({"a": 1}, b'{"a": 1}')
    assert _parse_body(b'{"a": 1}', "") == ({"a": 1}, b'{"a": 1}')
    assert _parse_body(b"[1]", "application/vnd.api+json") == ([1], b"[1]")
    form = _parse_body(b"a=1&b=", "application/x-www-form-urlencoded")
    assert form == ({"a": "1", "b": ""}, b'{"a":"1","b":""}')
    assert _parse_body(b"hello", "text/plain") == ("hello", b'"hello"')
    assert _parse_body(b"", "application/json") == (None, b"")


def test_malformed_json_names_the_position() -> None:
    with pytest.raises(InvalidJsonError, match="not valid JSON"):
        _parse_body(b'{"a": ', "application/json")


def test_unknown_media_type_is_refused() -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="application/octet-stream"):
        _parse_body(b"\x00\x01", "application/octet-stream")


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
