"""The pure parts of the HTTP layer: body parsing and response building."""

from __future__ import annotations

import pytest

from stephost_host.errors import InvalidJsonError, UnsupportedMediaTypeError
from stephost_host.http.app import _parse_body, _response


def test_json_form_text_and_empty_bodies() -> None:
    assert _parse_body(b'{"a": 1}', "application/json; charset=utf-8") == {"a": 1}
    assert _parse_body(b'{"a": 1}', "") == {"a": 1}
    assert _parse_body(b"[1]", "application/vnd.api+json") == [1]
    assert _parse_body(b"a=1&b=", "application/x-www-form-urlencoded") == {"a": "1", "b": ""}
    assert _parse_body(b"hello", "text/plain") == "hello"
    assert _parse_body(b"", "application/json") is None


def test_malformed_json_names_the_position() -> None:
    with pytest.raises(InvalidJsonError, match="not valid JSON"):
        _parse_body(b'{"a": ', "application/json")


def test_unknown_media_type_is_refused() -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="application/octet-stream"):
        _parse_body(b"\x00\x01", "application/octet-stream")


def test_response_defaults_to_json() -> None:
    status, headers, content = _response(b'{"status": 201, "body": {"id": "x"}}')
    assert status == 201
    assert (b"content-type", b"application/json") in headers
    assert content == b'{"id":"x"}'


def test_response_text_with_declared_type_and_no_body_statuses() -> None:
    _, headers, content = _response(
        b'{"status": 200, "body": "hi", "headers": {"Content-Type": "text/html", "X-A": 1}}'
    )
    assert content == b"hi"
    assert (b"content-type", b"text/html") in headers
    assert (b"x-a", b"1") in headers
    assert _response(b'{"status": 204, "body": {"ignored": true}}')[2] == b""


@pytest.mark.parametrize(
    "output",
    [b'"just a string"', b'{"status": 99}', b'{"status": "200"}', b'{"headers": []}'],
)
def test_unusable_responses_are_refused(output: bytes) -> None:
    with pytest.raises(ValueError):
        _response(output)
