"""The same assertions on the kitchen-sink step of every language (see README.md)."""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import jwt
import pytest

from stephost_host.auth.keys import ApiKeyStore
from stephost_host.testing import StephostApp
from tests.conftest import BACKENDS, backend_env
from tests.toolchains import missing_toolchain

HERE = Path(__file__).parent
LANGUAGES = ["python", "node", "ruby"]
ERROR_TYPES = {"python": "ValueError", "node": "TypeError", "ruby": "ArgumentError"}
DEADLINE_TYPES = {"python": "datetime", "node": "Date", "ruby": "Time"}
DEFAULT_TIMEOUT_MS = 30_000
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
JWT_SECRET = "kitchen-sink-secret-of-32-bytes!"

pytestmark = pytest.mark.integration


@pytest.fixture(
    scope="module",
    params=[(language, backend) for backend in BACKENDS for language in LANGUAGES],
    ids=lambda param: "-".join(param),
)
def app(request: pytest.FixtureRequest) -> Iterator[StephostApp]:
    language, backend = request.param
    reason = missing_toolchain(language)
    if reason:
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="stephost-ks-") as data:
        api_key = ApiKeyStore(Path(data)).create("ks-client")
        env = {"KS_JWT_SECRET": JWT_SECRET, **backend_env(request, backend)}
        with StephostApp(HERE / language, env=env, data_dir=Path(data)) as running:
            running.language = language  # type: ignore[attr-defined]
            running.api_key = api_key  # type: ignore[attr-defined]
            yield running


def lang(app: StephostApp) -> str:
    return str(app.language)  # type: ignore[attr-defined]


def test_echo_sees_path_query_headers_and_trace(app: StephostApp) -> None:
    response = app.post(
        "/ks/abc?one=1&many=a&many=b",
        json={"action": "echo", "value": {"nested": [1, "two", None]}},
        headers={"x-test": "yes"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "language": lang(app),
        "pathId": "abc",
        "query": {"one": "1", "many": ["a", "b"]},
        "xTest": "yes",
        "value": {"nested": [1, "two", None]},
        "traceId": response.headers["x-trace-id"],
        "attempt": 1,
    }


def test_incoming_traceparent_is_continued(app: StephostApp) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = app.post(
        "/ks/t",
        json={"action": "echo"},
        headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
    )
    assert response.headers["x-trace-id"] == trace_id
    assert response.json()["traceId"] == trace_id


def test_handler_chooses_status_headers_and_body(app: StephostApp) -> None:
    response = app.post(
        "/ks/x",
        json={
            "action": "respond",
            "status": 418,
            "body": {"teapot": True},
            "headers": {"x-custom": "brewed"},
        },
    )
    assert response.status_code == 418
    assert response.json() == {"teapot": True}
    assert response.headers["x-custom"] == "brewed"
    assert response.headers["content-type"] == "application/json"


def test_text_body_with_its_own_content_type(app: StephostApp) -> None:
    response = app.post(
        "/ks/x",
        json={
            "action": "respond",
            "status": 200,
            "body": "plain words",
            "headers": {"content-type": "text/plain"},
        },
    )
    assert response.text == "plain words"
    assert response.headers["content-type"] == "text/plain"


def test_no_content(app: StephostApp) -> None:
    response = app.post("/ks/x", json={"action": "respond", "status": 204})
    assert response.status_code == 204
    assert response.content == b""


def test_thrown_error_is_500_with_code_and_no_stack(app: StephostApp) -> None:
    response = app.post("/ks/x", json={"action": "raise", "message": "kaboom 42"})
    assert response.status_code == 500
    trace_id = response.headers["x-trace-id"]
    assert response.json() == {
        "error": {
            "code": "HANDLER_ERROR",
            "message": "kaboom 42",
            "step": "KitchenSink",
            "traceId": trace_id,
        }
    }
    failed = app.wait_for(
        lambda: [line for line in app.logs(trace_id) if line["event"] == "api handler failed"],
        what="the failure in the log",
    )
    error = failed[0]["error"]
    assert error["language"] == lang(app)
    assert error["type"].split(".")[-1].split("::")[-1] == ERROR_TYPES[lang(app)]
    assert error["message"] == "kaboom 42"
    assert error["step"] == "KitchenSink"
    assert "kitchen" in error["stack"].lower().replace("-", "_")


def test_bad_response_is_500(app: StephostApp) -> None:
    response = app.post("/ks/x", json={"action": "bad_response"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "BAD_RESPONSE"


def test_many_invocations_run_at_once(app: StephostApp) -> None:
    results: list[int] = []

    def call() -> None:
        results.append(app.post("/ks/s", json={"action": "sleep", "ms": 1500}).status_code)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    # All eight are in flight in the runtime at the same moment.
    app.wait_for(
        lambda: sum(r["inFlight"] for r in app.health()["runtimes"]) >= 8,
        timeout_s=10,
        what="8 invocations in flight",
    )
    for thread in threads:
        thread.join()
    assert results == [200] * 8


def test_emit_is_durable_and_captured(app: StephostApp) -> None:
    response = app.post("/ks/x", json={"action": "emit", "data": {"hello": lang(app)}})
    assert response.status_code == 200
    message_id = response.json()["messageId"]
    assert message_id
    messages = app.get("/_stephost/messages", params={"topic": "ks.out"}).json()["items"]
    mine = [m for m in messages if m["messageId"] == message_id]
    assert mine[0]["data"] == {"hello": lang(app)}
    assert mine[0]["traceId"] == response.headers["x-trace-id"]
    assert mine[0]["emittedBy"] == "KitchenSink"


def test_emit_carries_its_priority_and_a_bad_one_fails_naming_it(app: StephostApp) -> None:
    sent = {}
    for priority in (9, 0, None):  # 0 given and none given stay apart
        body = {"action": "emit_priority", "data": {"p": priority}, "priority": priority}
        response = app.post("/ks/x", json=body)
        assert response.status_code == 200, response.text
        sent[response.json()["messageId"]] = priority
    messages = app.get("/_stephost/messages", params={"topic": "ks.out"}).json()["items"]
    assert {m["messageId"]: m["priority"] for m in messages if m["messageId"] in sent} == sent
    for bad in (10, -1, 2.5, "high", True):
        body = {"action": "emit_priority", "data": {}, "priority": bad}
        response = app.post("/ks/x", json=body)
        assert response.status_code == 500, (bad, response.text)
        message = response.json()["error"]["message"]
        assert "`priority` must be an integer from 0 to 9" in message, (bad, message)


def test_emit_outside_emits_fails_in_the_handler(app: StephostApp) -> None:
    body = app.post("/ks/x", json={"action": "emit_undeclared"}).json()
    assert body["code"] == "EMIT_NOT_ALLOWED"
    assert "ks.undeclared" in body["message"]


def test_a_message_over_the_limit_fails_alone(app: StephostApp) -> None:
    pid = app.health()["runtimes"][0]["pid"]
    body = app.post("/ks/x", json={"action": "emit_big", "mb": 20}).json()
    assert body["code"] == "MESSAGE_TOO_LARGE", body
    assert "the host takes messages up to 16777216 bytes" in body["message"]
    big = app.post("/ks/x", json={"action": "respond_big", "mb": 20})
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "MESSAGE_TOO_LARGE"
    assert app.post("/ks/x", json={"action": "echo"}).status_code == 200
    assert app.health()["runtimes"][0]["pid"] == pid  # the runtime never went away


def test_state_operations(app: StephostApp) -> None:
    group = f"ks-state-{lang(app)}"
    body = app.post("/ks/x", json={"action": "state", "group": group}).json()
    assert body == {
        "got": {"n": 1},
        "missing": None,
        "list1": [{"key": "a", "value": {"n": 1}}, {"key": "b", "value": [1, 2]}],
        "deleted": True,
        "deletedAgain": False,
        "list2": [{"key": "b", "value": [1, 2]}],
        "cleared": 1,
        "list3": [],
    }


def test_state_written_by_host_api_is_read_by_handler(app: StephostApp) -> None:
    app.state.set("shared", "k", {"from": "host"})
    assert app.state.get("shared", "k") == {"from": "host"}


def test_logger_lines_carry_trace_step_and_language(app: StephostApp) -> None:
    marker = f"marker-{lang(app)}"
    response = app.post("/ks/x", json={"action": "log", "marker": marker})
    trace_id = response.headers["x-trace-id"]
    lines = app.wait_for(
        lambda: [line for line in app.logs(trace_id) if line.get("marker") == marker],
        what="the handler's log line",
    )
    assert lines[0]["event"] == "kitchen sink log"
    assert lines[0]["step"] == "KitchenSink"
    assert lines[0]["language"] == lang(app)
    assert lines[0]["level"] == "info"


def test_stream_item_is_readable(app: StephostApp) -> None:
    group = f"g-{lang(app)}"
    app.post("/ks/x", json={"action": "stream", "group": group, "value": {"progress": 50}})
    items = app.get(f"/_stephost/streams/ks/{group}").json()["items"]
    assert items == [{"id": "item", "value": {"progress": 50}}]


def test_stream_operations(app: StephostApp) -> None:
    group = f"ks-streams-{lang(app)}"
    body = app.post("/ks/x", json={"action": "streams", "group": group}).json()
    assert body == {
        "got": {"n": 1},
        "missing": None,
        "list": [{"id": "a", "value": {"n": 1}}, {"id": "b", "value": [1, 2]}],
        "deleted": True,
        "after": [{"id": "b", "value": [1, 2]}],
    }
    assert app.get(f"/_stephost/streams/ks/{group}").json()["items"] == body["after"]


def test_motia_forms_emit_state_group_and_trace_id(app: StephostApp) -> None:
    group = f"ks-motia-{lang(app)}"
    app.state.set(group, "w", {"first": True})
    response = app.post("/ks/x", json={"action": "motia", "group": group, "data": {"m": 1}})
    body = response.json()
    assert body["values"] == [{"first": True}, 1]  # ordered by key: "w", "x"
    assert body["traceId"] == response.headers["x-trace-id"]
    messages = app.get("/_stephost/messages", params={"topic": "ks.out"}).json()["items"]
    assert [m["data"] for m in messages if m["messageId"] == body["messageId"]] == [{"m": 1}]


def test_get_route_with_path_and_query(app: StephostApp) -> None:
    response = app.get("/ks/a%20b/info?x=1", headers={"x-test": "t"})
    assert response.json() == {
        "pathId": "a b",
        "query": {"x": "1"},
        "xTest": "t",
        "method": "GET",
        "body": None,
    }


def test_event_runs_with_trace_of_the_emit(app: StephostApp) -> None:
    key = f"record-{lang(app)}"
    emitted = app.emit("ks.in", {"action": "record", "key": key})
    app.wait_idle()
    record = app.state.get("ks-events", key)
    assert record["attempt"] == 1
    assert record["traceId"] == emitted["traceId"]
    assert record["data"] == {"action": "record", "key": key}


def test_event_retries_until_it_succeeds(app: StephostApp) -> None:
    key = f"flaky-{lang(app)}"
    app.emit("ks.in", {"action": "flaky", "key": key, "succeedOn": 3})
    app.wait_idle()
    assert app.state.get("ks-events", key)["attempt"] == 3
    assert not [d for d in app.dlq() if d["data"].get("key") == key]


def test_failing_event_lands_in_dlq_after_max_attempts(app: StephostApp) -> None:
    key = f"fail-{lang(app)}"
    app.emit("ks.in", {"action": "fail", "key": key, "message": f"no luck {key}"})
    app.wait_idle()
    letters = [d for d in app.dlq("KitchenSinkEvent") if d["data"].get("key") == key]
    assert len(letters) == 1
    letter = letters[0]
    assert letter["attempts"] == 3
    error = letter["error"]
    assert error["code"] == "HANDLER_ERROR"
    assert error["message"] == f"no luck {key}"
    assert error["language"] == lang(app)
    assert error["type"].split(".")[-1].split("::")[-1] == ERROR_TYPES[lang(app)]
    assert "kitchen" in error["stack"].lower().replace("-", "_")
    attempts = [
        line
        for line in app.logs(letter["traceId"])
        if line.get("step") == "KitchenSinkEvent" and line["event"].startswith("event ")
    ]
    assert [line["attempt"] for line in attempts] == [1, 2, 3]


def test_bad_event_payload_goes_to_dlq_unrun(app: StephostApp) -> None:
    emitted = app.emit("ks.in", {"action": "record"})  # no "key": breaks the input schema
    app.wait_idle()
    letters = [d for d in app.dlq("KitchenSinkEvent") if d["messageId"] == emitted["messageId"]]
    assert letters[0]["error"]["code"] == "VALIDATION_FAILED"
    assert letters[0]["attempts"] == 1
    assert "key" in letters[0]["error"]["message"]


def test_emit_from_event_continues_the_trace(app: StephostApp) -> None:
    key = f"chain-{lang(app)}"
    emitted = app.emit("ks.in", {"action": "emit", "key": key})
    app.wait_idle()
    assert app.state.get("ks-chain", key)["traceId"] == emitted["traceId"]


def test_handler_reads_its_deadline_and_the_tracestate(app: StephostApp) -> None:
    before_ms = int(time.time() * 1000)
    response = app.post(
        "/ks/x",
        json={"action": "context"},
        headers={"traceparent": TRACEPARENT, "tracestate": "vendor=abc,other=1"},
    )
    after_ms = int(time.time() * 1000)
    body = response.json()
    assert body["traceState"] == "vendor=abc,other=1"
    assert body["deadlineType"] == DEADLINE_TYPES[lang(app)]
    assert body["auth"] is None  # the step has no `auth`
    # The host sets it when it sends the invocation: now plus the step's timeoutMs.
    assert before_ms + DEFAULT_TIMEOUT_MS <= body["deadlineMs"] <= after_ms + DEFAULT_TIMEOUT_MS


def test_tracestate_without_a_valid_traceparent_is_dropped(app: StephostApp) -> None:
    body = app.post("/ks/x", json={"action": "context"}, headers={"tracestate": "a=b"}).json()
    assert body["traceState"] == ""


def test_tracestate_travels_through_an_emit_to_the_event(app: StephostApp) -> None:
    key = f"tracestate-{lang(app)}"
    app.post(
        "/ks/x",
        json={"action": "forward", "data": {"action": "record", "key": key}},
        headers={"traceparent": TRACEPARENT, "tracestate": "vendor=abc"},
    )
    app.wait_idle()
    record = app.state.get("ks-events", key)
    assert (record["traceId"], record["traceState"]) == (TRACE_ID, "vendor=abc")


def test_client_disconnect_cancels_the_handler(app: StephostApp) -> None:
    """A real HTTP client sends its request, and goes away while the handler runs: the
    handler is told (Python: its task is cancelled and ctx.cancelled; Node: ctx.signal
    aborts; Ruby: ctx.cancelled? and its thread is interrupted)."""
    key = f"cancel-{lang(app)}"
    trace_id = os.urandom(16).hex()
    body = json.dumps({"action": "wait_for_cancel", "key": key}).encode()
    url = urlsplit(app.url)
    request = (
        f"POST /ks/x HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\ntraceparent: 00-{trace_id}-00f067aa0ba902b7-01\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port)) as client:
        client.sendall(request + body)
        app.wait_for(
            lambda: app.state.get("ks-cancel", key) == {"started": True},
            what="the handler to be running",
        )
    record = app.wait_for(
        lambda: (value := app.state.get("ks-cancel", key)) and "cancelled" in value and value,
        what="the handler to see the cancellation",
    )
    assert record == {"cancelled": True}
    (line,) = app.wait_for(
        lambda: [line for line in app.logs(trace_id) if line["event"] == "api"],
        what="the request's log line",
    )
    assert line["status"] == 499  # the client closed the request


# -- auth: the host checks the credential, the handler reads the principal as ctx.auth --


def _handler_ran(app: StephostApp, trace_id: str) -> bool:
    """Whether the keyed step's handler logged in this trace (read once the request's
    own log line is there: the handler's lines come before it)."""
    app.wait_for(
        lambda: [x for x in app.logs(trace_id) if x["event"] == "api"], what="the api log line"
    )
    return any(x["event"] == "keyed handler ran" for x in app.logs(trace_id))


def test_api_key_reaches_the_handler_as_ctx_auth(app: StephostApp) -> None:
    response = app.get("/ks-keyed", headers={"x-api-key": app.api_key})  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    assert response.json() == {
        "language": lang(app),
        "auth": {"type": "apiKey", "name": "ks-client"},
    }
    assert _handler_ran(app, response.headers["x-trace-id"])


def test_missing_or_wrong_api_key_is_refused_before_the_handler(app: StephostApp) -> None:
    for headers in ({}, {"x-api-key": "shk_not-a-key"}):
        response = app.get("/ks-keyed", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("ApiKey ")
        error = response.json()["error"]
        assert error["code"] == "UNAUTHORIZED"
        assert error["traceId"] == response.headers["x-trace-id"]
        assert "x-api-key" in error["message"]
        assert not _handler_ran(app, response.headers["x-trace-id"])


def _token(**claims: object) -> str:
    now = int(time.time())
    payload = {"sub": "user-7", "aud": "ks", "iss": "ks-test", "iat": now, "exp": now + 60}
    return jwt.encode({**payload, **claims}, JWT_SECRET, algorithm="HS256")


def test_jwt_claims_reach_the_handler_as_ctx_auth(app: StephostApp) -> None:
    token = _token(role="admin")
    response = app.get("/ks-signed", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    auth = response.json()["auth"]
    assert response.json()["language"] == lang(app)
    assert auth["type"] == "jwt"
    assert auth["subject"] == "user-7"
    assert auth["claims"]["role"] == "admin"
    assert auth["claims"]["aud"] == "ks"


def test_expired_or_foreign_jwt_is_refused(app: StephostApp) -> None:
    cases = {
        "expired": _token(exp=int(time.time()) - 120),
        "other audience": _token(aud="somebody-else"),
        "wrong key": jwt.encode(
            {"sub": "x", "exp": int(time.time()) + 60}, "another-secret-32-bytes-long!!!!"
        ),
    }
    for what, token in cases.items():
        response = app.get("/ks-signed", headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 401, what
        assert 'error="invalid_token"' in response.headers["www-authenticate"], what
        assert response.json()["error"]["code"] == "UNAUTHORIZED"
    assert (
        "expired"
        in app.get("/ks-signed", headers={"authorization": f"Bearer {cases['expired']}"}).json()[
            "error"
        ]["message"]
    )
    missing = app.get("/ks-signed")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="stephost"'


def test_custom_auth_step_lets_in_with_its_principal(app: StephostApp) -> None:
    response = app.post(
        "/ks/abc/guarded",
        json={"secret": "payload"},
        headers={"x-ks-token": "let-me-in", "traceparent": TRACEPARENT},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "language": lang(app),
        "auth": {
            "user": "ks-user",
            "gate": lang(app),
            "pathId": "abc",
            "method": "POST",
            "body": None,  # the auth step never sees the body
            "traceId": TRACE_ID,  # it runs in the request's trace
        },
        "body": {"secret": "payload"},
    }


def test_custom_auth_step_refuses_with_401_or_403(app: StephostApp) -> None:
    refused = app.post("/ks/abc/guarded", json={}, headers={"x-ks-token": "nope"})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Custom ")
    assert refused.json()["error"]["code"] == "UNAUTHORIZED"
    forbidden = app.post("/ks/abc/guarded", json={}, headers={"x-ks-token": "forbidden"})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == {
        "code": "FORBIDDEN",
        "message": "this token may not pass",
        "traceId": forbidden.headers["x-trace-id"],
    }
