"""Motia 0.x projects written here (projects/), each for one behaviour the templates do
not show: middleware order, object-form emit with messageGroupId ordering, zod schemas
enforced, Motia's queue settings, streams over a WebSocket client, and the doctor."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from stephost_host.testing import StephostApp
from tests.toolchains import missing_toolchain

pytestmark = pytest.mark.integration
Start = Callable[..., StephostApp]

PROJECTS = Path(__file__).parent / "projects"


@pytest.fixture(autouse=True)
def _toolchains() -> None:
    for language in ("node", "python"):
        reason = missing_toolchain(language)
        if reason:
            pytest.skip(reason)


@pytest.mark.parametrize(("path", "language"), [("/trail", "node"), ("/py-trail", "python")])
def test_middleware_runs_in_order_around_the_handler(
    make_app: Start, path: str, language: str
) -> None:
    app = make_app(PROJECTS / "middleware")
    response = app.post(path, json={"trail": []})
    assert response.status_code == 200
    assert response.json() == {"trail": ["first>", "second>", "handler", "<second", "<first"]}
    assert response.headers["x-first"] == response.headers["x-second"] == "seen"
    # The host is told the middleware's names (functions stay in the runtime).
    steps = {s["name"]: s["config"] for s in app.get("/_stephost/steps").json()["steps"]}
    if language == "node":  # `mark(name)` returns anonymous arrow functions
        assert steps["Trail"]["middleware"] == ["middleware 1", "middleware 2"]
    else:
        assert steps["PyTrail"]["middleware"] == ["mark_first", "mark_second"]


def test_a_middleware_may_answer_without_the_handler(make_app: Start) -> None:
    app = make_app(PROJECTS / "middleware")
    refused = app.get("/guarded")
    assert (refused.status_code, refused.json()) == (401, {"error": "token required"})
    assert app.state.get("guarded", "ran") is None
    allowed = app.get("/guarded", headers={"x-token": "secret"})
    assert (allowed.status_code, allowed.json()) == (200, {"ok": True})
    assert app.state.get("guarded", "ran") is True
    trace_id = refused.headers["x-trace-id"]
    (line,) = app.wait_for(
        lambda: [line for line in app.logs(trace_id) if line.get("level") == "warning"],
        what="the middleware's log line",
    )
    assert (line["event"], line["step"]) == ("rejected: no token", "Guarded")


def test_motia_and_zod_resolve_with_nothing_installed(make_app: Start) -> None:
    app = make_app(PROJECTS / "middleware")
    assert not (PROJECTS / "middleware" / "node_modules").exists()
    assert app.get("/values").json() == {"same": True, "parsed": "ok"}  # CommonJS require
    assert app.get("/esm-values").json() == {"defineConfig": "function"}  # ES module import


@pytest.mark.parametrize(
    ("path", "prefix", "consumer"), [("/batch", "g", "Record"), ("/py-batch", "p", "RecordTs")]
)
def test_object_form_emit_keeps_each_message_group_in_order(
    make_app: Start, path: str, prefix: str, consumer: str
) -> None:
    app = make_app(PROJECTS / "ordering")
    groups, count = 4, 48
    assert app.post(path, json={"groups": groups, "count": count}).status_code == 202
    app.wait_idle()
    seen = {item["key"]: item["value"] for item in app.state.list("seen")}
    assert seen == {
        f"{prefix}{g}": list(range(g, count, groups)) for g in range(groups)
    }  # every item, once, in emission order within its group
    assert app.stats()["steps"][consumer]["handled"] == count
    assert app.dlq() == []


def test_zod_body_schema_is_enforced_with_a_400(make_app: Start) -> None:
    app = make_app(PROJECTS / "schemas")
    bad = app.post("/users", json={"name": "", "age": -1})
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert [e["path"] for e in error["errors"]] == ["/age", "/name"]
    assert app.state.list("users") == []  # no handler ran
    good = app.post("/users", json={"name": "Ada", "age": 36})
    assert (good.status_code, good.json()) == (201, {"id": "u-ada"})
    app.wait_idle()
    assert app.state.get("welcomed", "u-ada") is True
    openapi = app.get("/openapi.json").json()["paths"]["/users"]["post"]
    assert openapi["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "name",
        "age",
    ]
    assert "201" in openapi["responses"]


def test_zod_input_schema_sends_a_bad_message_to_the_dead_letter_queue(make_app: Start) -> None:
    app = make_app(PROJECTS / "schemas")
    app.emit("user.created", {"id": 42})
    app.wait_idle()
    (dead,) = app.dlq("Welcome")
    assert dead["error"]["code"] == "VALIDATION_FAILED"
    assert "/id" in dead["error"]["message"]
    assert app.state.list("welcomed") == []


def test_queue_max_retries_counts_every_attempt(make_app: Start) -> None:
    app = make_app(PROJECTS / "schemas")
    app.emit("fragile", {})
    app.wait_idle()
    (dead,) = app.dlq("AlwaysFails")
    assert dead["attempts"] == 2
    assert app.state.get("tries", "fragile") == 2


def test_queue_delay_seconds_holds_each_message_back(make_app: Start) -> None:
    app = make_app(PROJECTS / "delay")
    app.post("/start")
    stats = app.wait_for(
        lambda: (s := app.stats()["steps"].get("Later")) and s["delayed"] == 1 and s,
        what="the delayed delivery",
    )
    assert stats["handled"] == 0
    assert stats["ready"] == 0


def test_streams_reach_a_websocket_client(make_app: Start) -> None:
    from websockets.sync.client import connect

    app = make_app(PROJECTS / "streams")
    declared = app.get("/_stephost/steps").json()["streams"]
    assert [(s["name"], s["language"], s["file"]) for s in declared] == [
        ("progress", "python", "src/jobs/progress_stream.py"),
        ("todo", "node", "src/todos/todo.stream.ts"),
    ]
    assert declared[1]["schema"]["required"] == ["text", "done"]
    added = app.post("/lists/home", json={"action": "add", "id": "a", "text": "milk"})
    assert added.json() == {"item": {"text": "milk", "done": False, "id": "a"}}
    url = app.url.replace("http://", "ws://") + "/_stephost/streams/todo/home"
    with connect(url) as ws:
        assert orjson.loads(ws.recv(timeout=5)) == {
            "type": "snapshot",
            "items": [{"id": "a", "value": {"text": "milk", "done": False}}],
        }
        app.post("/lists/home", json={"action": "add", "id": "b", "text": "bread"})
        done = app.post("/lists/home", json={"action": "done", "id": "a"}).json()
        removed = app.post("/lists/home", json={"action": "remove", "id": "b"}).json()
        frames = [orjson.loads(ws.recv(timeout=5)) for _ in range(4)]
    assert frames == [
        {"type": "set", "id": "b", "value": {"text": "bread", "done": False}},
        {"type": "set", "id": "a", "value": {"text": "milk", "done": True}},
        {"type": "event", "id": "a", "event": {"type": "celebrate", "data": {"id": "a"}}},
        {"type": "delete", "id": "b"},
    ]
    assert done["all"] == [
        {"text": "milk", "done": True, "id": "a"},
        {"text": "bread", "done": False, "id": "b"},
    ]
    assert removed == {"removed": {"text": "bread", "done": False, "id": "b"}, "again": None}


def test_python_streams_and_cross_language_reads(make_app: Start) -> None:
    from websockets.sync.client import connect

    app = make_app(PROJECTS / "streams")
    app.post("/lists/shared", json={"action": "add", "id": "x", "text": "from node"})
    url = app.url.replace("http://", "ws://") + "/_stephost/streams/progress/j1"
    with connect(url) as ws:
        assert orjson.loads(ws.recv(timeout=5)) == {"type": "snapshot", "items": []}
        body = app.post("/jobs/j1").json()
        frames = [orjson.loads(ws.recv(timeout=5)) for _ in range(3)]
    assert body == {
        "first": {"percent": 50, "id": "step-1"},
        "got": {"percent": 100, "id": "step-2"},
        "missing": None,
        "group": [{"percent": 50, "id": "step-1"}, {"percent": 100, "id": "step-2"}],
        "todos": [{"text": "from node", "done": False, "id": "x"}],
    }
    sync = app.get("/sync-jobs/j2").json()
    assert sync == {"group": [{"percent": 1, "id": "sync"}], "states": [{"seen": True}]}
    assert frames == [
        {"type": "set", "id": "step-1", "value": {"percent": 50}},
        {"type": "set", "id": "step-2", "value": {"percent": 100}},
        {"type": "event", "event": {"type": "finished", "data": {"job": "j1"}}},
    ]


def test_doctor_reports_what_is_not_supported_file_by_file() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stephost_host.cli", "doctor"],
        cwd=PROJECTS / "doctor",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # broken.step.ts does not load
    *body, summary = result.stdout.splitlines()
    assert summary == "2 steps and 1 stream load; 1 error and 6 warnings in 6 files."
    sections: dict[str, list[str]] = {}
    current = ""
    for line in body[2:]:
        if line and not line.startswith(" "):
            current = line
            sections[current] = []
        elif line.strip():
            sections[current].append(line.strip())
    assert sections["motia.config.ts"] == [
        "warning: `plugins` Workbench plugins are not loaded; stephost has its own Workbench "
        "and admin API (/_stephost/)",
        "warning: `redis` is not read; stephost needs no Redis on one machine (see "
        "stephost.toml to scale out)",
    ]
    assert sections["src/flows/heavy.step.ts"] == [
        "warning: Heavy: `infrastructure.handler.ram` cannot be honoured: steps share their "
        "language's runtime processes (set `processes` per language in stephost.toml)",
    ]
    assert sections["src/flows/audit.stream.ts"][0].startswith(
        "warning: audit: `canAccess` is not supported"
    )
    assert sections["src/flows/legacy.step.py"] == [
        "warning: `file name` is not a step file name; rename it to legacy_step.py "
        "(Motia 0.x dropped `.step.py` too)"
    ]
    assert len(sections["src/flows/broken.step.ts"]) == 1
    assert sections["src/flows/broken.step.ts"][0].startswith("error: SyntaxError")
    (missing,) = sections["requirements.txt"]
    assert "`stephost-doctor-test-missing-package` is not installed" in missing
    # Accepted as they are: virtualEmits/virtualSubscribes, includeFiles, queryParams, emits
    # entries with a label, and the queue settings that map onto stephost's.
    assert set(sections) == {
        "motia.config.ts",
        "requirements.txt",
        "src/flows/audit.stream.ts",
        "src/flows/broken.step.ts",
        "src/flows/heavy.step.ts",
        "src/flows/legacy.step.py",
    }


def test_the_host_names_the_unsupported_field_at_start(make_app: Start) -> None:
    app: StephostApp = make_app(PROJECTS / "doctor")
    warnings = [line["event"] for line in app.logs() if line.get("level") == "warning"]
    assert (
        "src/flows/heavy.step.ts: Heavy: `infrastructure.handler.ram` cannot be honoured: "
        "steps share their language's runtime processes (set `processes` per language in "
        "stephost.toml)"
    ) in warnings
    assert any(line["event"].startswith("serving a Motia project") for line in app.logs())
    # What infrastructure maps to is in force.
    steps = {s["name"]: s for s in app.get("/_stephost/steps").json()["steps"]}
    assert steps["Heavy"]["settings"] == {
        "maxAttempts": 4,  # queue.maxRetries
        "backoffMs": 5000,  # queue.visibilityTimeout
        "timeoutMs": 30_000,  # handler.timeout
        "concurrency": 100,
        "delayMs": 0,  # queue.delaySeconds
        "priority": 0,
    }
