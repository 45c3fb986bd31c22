"""Project-level behaviour: load errors, bad projects, streams, reload, the CLI."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT, run_cli, write_project

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]

OK_STEP = """
config = {"type": "api", "name": "Ok", "method": "GET", "path": "/ok"}

async def handler(req, ctx):
    return {"status": 200, "body": {"version": 1}}
"""


def test_broken_step_files_are_reported_and_others_serve(make_app: Start, tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p",
        {
            "steps/ok_step.py": OK_STEP,
            "steps/syntax_step.py": "config = {'type': 'api',\n  oops(\n",
            "steps/sub/import_step.py": "import not_a_module_anywhere\n",
            "steps/config_step.py": "config = {'type': 'api', 'name': 'NoPath', 'method': 'GET'}\n"
            "async def handler(req, ctx): pass\n",
        },
    )
    app = make_app(project, copy=False)
    assert app.get("/ok").json() == {"version": 1}
    problems = {p["file"]: p["error"] for p in app.get("/_stephost/steps").json()["problems"]}
    assert problems["steps/syntax_step.py"]["code"] == "LOAD_FAILED"
    assert "SyntaxError" in problems["steps/syntax_step.py"]["message"]
    assert "line" in problems["steps/syntax_step.py"]["message"]
    assert "not_a_module_anywhere" in problems["steps/sub/import_step.py"]["message"]
    assert problems["steps/config_step.py"]["code"] == "BAD_CONFIG"
    assert "`path`" in problems["steps/config_step.py"]["message"]
    logged = [line for line in app.logs() if line["event"] == "step file not loaded"]
    assert {line["file"] for line in logged} == set(problems)


def test_duplicate_step_name_names_both_files(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p", {"steps/one_step.py": OK_STEP, "steps/two_step.py": OK_STEP}
    )
    result = run_cli("start", "--port", "0", cwd=project, env={"STEPHOST_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "error: step name 'Ok' is declared by both steps/one_step.py and steps/two_step.py" in (
        result.stderr
    )


def test_missing_steps_folder(tmp_path: Path) -> None:
    result = run_cli("start", "--port", "0", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no steps/ or src/ folder in")


def test_port_in_use(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/ok_step.py": OK_STEP})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("start", "--port", str(port), cwd=project)
    assert result.returncode == 1
    assert f"error: port {port} on 127.0.0.1 is already in use" in result.stderr


def test_an_unreachable_redis_is_one_clear_line_at_start(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/ok_step.py": OK_STEP})
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    url = f"redis://:secret@127.0.0.1:{port}/0"
    result = run_cli("start", "--port", "0", cwd=project, env={"STEPHOST_BACKEND_URL": url})
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot reach Redis at redis://***@127.0.0.1:{port}/0")
    assert "secret" not in result.stderr


def test_a_backend_that_is_not_a_redis_url_is_refused(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/ok_step.py": OK_STEP})
    (project / "stephost.toml").write_text('backend = "postgres://db"\n')
    result = run_cli("start", "--port", "0", cwd=project)
    assert result.returncode == 1
    assert "backend_url: Value error, 'postgres://db' is not a backend" in result.stderr


def test_two_hosts_cannot_share_a_data_folder(make_app: Start, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/ok_step.py": OK_STEP})
    app = make_app(project, copy=False)
    result = run_cli(
        "start", "--port", "0", cwd=project, env={"STEPHOST_DATA_DIR": str(app.data_dir)}
    )
    assert result.returncode == 1
    assert "another stephost host" in result.stderr


def test_topic_nobody_emits_is_a_warning(make_app: Start, tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p",
        {
            "steps/lonely_step.py": "config = {'type': 'event', 'name': 'Lonely', "
            "'subscribes': ['ghost.topic']}\nasync def handler(data, ctx): pass\n"
        },
    )
    app = make_app(project, copy=False)
    warnings = [line for line in app.logs() if line["level"] == "warning"]
    assert any("'ghost.topic'" in line["event"] for line in warnings)
    assert app.get("/_stephost/steps").json()["warnings"] == [
        "topic 'ghost.topic' (subscribed by Lonely) is emitted by no step"
    ]


STREAMING = {
    "steps/progress_step.py": """
config = {"type": "api", "name": "Progress", "method": "POST", "path": "/progress/:job"}

async def handler(req, ctx):
    job = req.path_params["job"]
    await ctx.streams.set("progress", job, "state", {"percent": req.body["percent"]})
    await ctx.streams.send("progress", job, {"type": "note", "data": "halfway"})
    if req.body.get("done"):
        await ctx.streams.delete("progress", job, "state")
    return {"status": 202, "body": None}
""",
}


def test_streams_push_to_websocket_subscribers(make_app: Start, tmp_path: Path) -> None:
    from websockets.sync.client import connect

    app = make_app(write_project(tmp_path / "p", STREAMING), copy=False)
    app.post("/progress/j1", json={"percent": 10})
    url = app.url.replace("http://", "ws://") + "/_stephost/streams/progress/j1"
    with connect(url) as ws:
        snapshot = orjson.loads(ws.recv(timeout=5))
        assert snapshot == {
            "type": "snapshot",
            "items": [{"id": "state", "value": {"percent": 10}}],
        }
        app.post("/progress/j1", json={"percent": 50, "done": True})
        updates = [orjson.loads(ws.recv(timeout=5)) for _ in range(3)]
    assert updates == [
        {"type": "set", "id": "state", "value": {"percent": 50}},
        {"type": "event", "event": {"type": "note", "data": "halfway"}},
        {"type": "delete", "id": "state"},
    ]


SLOW_EVENTS = {
    "steps/ok_step.py": OK_STEP,
    "steps/slow_step.py": """
import asyncio

config = {"type": "event", "name": "Slow", "subscribes": ["slow"], "concurrency": 4}

async def handler(data, ctx):
    await asyncio.sleep(0.02)
    await ctx.state.set("slow", str(data["i"]), True)
""",
}


def test_dev_reloads_a_changed_step_without_losing_queued_events(
    make_app: Start, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "p", SLOW_EVENTS)
    app = make_app(project, copy=False, command="dev")
    assert app.get("/ok").json() == {"version": 1}
    for i in range(100):
        app.emit("slow", {"i": i})
    old_pid = app.runtime_pids("python")
    (project / "steps" / "ok_step.py").write_text(OK_STEP.replace('"version": 1', '"version": 2'))
    app.wait_for(lambda: app.get("/ok").json() == {"version": 2}, what="the reloaded step")
    app.wait_idle()
    assert len(app.state.list("slow")) == 100
    app.wait_for(lambda: app.runtime_pids("python") != old_pid, what="the old runtime to go")
    assert any(line["event"] == "reloading runtime" for line in app.logs())


def test_dev_keeps_serving_when_a_reload_breaks_a_file(make_app: Start, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/ok_step.py": OK_STEP})
    app = make_app(project, copy=False, command="dev")
    (project / "steps" / "new_step.py").write_text("def broken(:\n")
    app.wait_for(
        lambda: app.get("/_stephost/steps").json()["problems"], what="the new file's load error"
    )
    assert app.get("/ok").json() == {"version": 1}


def test_cli_verbs_against_a_running_host(make_app: Start, tmp_path: Path) -> None:
    app = make_app(ROOT / "examples" / "shop")
    url = ["--url", app.admin_url]
    steps = run_cli("steps", *url, cwd=tmp_path)
    assert steps.returncode == 0
    assert "CreateOrder" in steps.stdout and "POST /orders" in steps.stdout

    emitted = run_cli(
        "emit", "order.created", '{"id": "o1", "item": "kite", "quantity": 2}', *url, cwd=tmp_path
    )
    assert emitted.returncode == 0, emitted.stderr
    assert "to ScoreOrder" in emitted.stdout
    app.wait_idle()
    got = run_cli("state", "get", "orders", "o1", *url, cwd=tmp_path)
    assert orjson.loads(got.stdout)["status"] == "scored"

    assert run_cli("state", "set", "flags", "beta", "true", *url, cwd=tmp_path).returncode == 0
    listed = run_cli("state", "list", "flags", *url, cwd=tmp_path)
    assert listed.stdout.strip() == "beta\ttrue"

    bad = run_cli("emit", "order.created", "{not json", *url, cwd=tmp_path)
    assert bad.returncode == 1 and "DATA is not valid JSON" in bad.stderr
    unknown = run_cli("emit", "nobody.cares", "{}", *url, cwd=tmp_path)
    assert unknown.returncode == 1 and "UNKNOWN_TOPIC" in unknown.stderr

    run_cli("emit", "order.created", '{"id": 5}', *url, cwd=tmp_path)  # breaks the input schema
    app.wait_idle()
    dlq = run_cli("dlq", "list", *url, cwd=tmp_path)
    assert "VALIDATION_FAILED" in dlq.stdout
    letter_id = app.dlq()[0]["id"]
    replayed = run_cli("dlq", "replay", letter_id, *url, cwd=tmp_path)
    assert replayed.returncode == 0 and "to ScoreOrder" in replayed.stdout
    app.wait_idle()
    deleted = run_cli("dlq", "delete", app.dlq()[0]["id"], *url, cwd=tmp_path)
    assert deleted.returncode == 0


def test_cli_without_a_running_host(tmp_path: Path) -> None:
    result = run_cli("steps", "--url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 1
    assert "no stephost host answers at http://127.0.0.1:9" in result.stderr


def test_new_project_works_at_once(make_app: Start, tmp_path: Path) -> None:
    created = run_cli("new", "hello-app", "--no-npm", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "hello-app"
    assert (project / ".github" / "workflows" / "stephost.yml").exists()
    assert run_cli("gen", "--check", cwd=project).returncode == 0
    tested = run_cli("test", cwd=project, timeout=180)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout
    (project / "tests" / "test_broken.py").write_text("def test_fails():\n    assert False\n")
    failing = run_cli("test", "-k", "fails", cwd=project, timeout=180)
    assert failing.returncode == 1
    assert "1 failed" in failing.stdout
    again = run_cli("new", "hello-app", "--no-npm", cwd=tmp_path)
    assert again.returncode == 1 and "not empty" in again.stderr
    app = make_app(tmp_path / "hello-app", copy=False)
    response = app.post("/hello", json={"name": "Ada"})
    assert response.status_code == 202
    assert response.json()["greeting"] == "Hello, Ada!"
    assert app.post("/hello", json={}).status_code == 400
    app.wait_idle()
    assert app.state.get("greetings", "Ada") == 1


def test_stephost_test_runs_only_the_tests_it_is_given(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p",
        {
            "steps/ok_step.py": OK_STEP,
            "tests/test_one.py": "def test_one():\n    pass\n",
            "tests/test_two.py": "def test_two():\n    assert False\n\ndef test_2b():\n    pass\n",
            "tests/three.test.mjs": "import { test } from 'node:test'\ntest('3', () => {throw 1})",
        },
    )
    one = run_cli("test", "tests/test_one.py", cwd=project, timeout=180)
    assert one.returncode == 0, one.stdout + one.stderr
    assert "1 passed" in one.stdout and "TAP" not in one.stdout  # no other file, no node tests
    named = run_cli("test", "tests/test_two.py::test_2b", "-k", "tests", cwd=project)
    # Only test_2b: "tests" is -k's value, not a path (else test_two would run, and fail).
    assert named.returncode == 0 and "1 passed" in named.stdout, named.stdout
    nothing = run_cli("test", "steps", cwd=project)
    assert nothing.returncode == 1 and "no tests in" in nothing.stderr


def test_sigterm_drains_runtimes_and_exits_cleanly(make_app: Start, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"steps/ok_step.py": OK_STEP})
    app = make_app(project, copy=False)
    (pid,) = app.runtime_pids("python")
    assert app.stop() == 0
    assert any(line["event"] == "stephost stopped" for line in app.logs())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_python_runtime_collects_garbage_once_its_steps_are_loaded(
    make_app: Start, tmp_path: Path
) -> None:
    # It starts with the collector off (start-up allocates only what lives on); a
    # handler must run with it on, and with start-up frozen out of its passes.
    step = """
import gc

config = {"type": "api", "name": "Collector", "method": "GET", "path": "/gc"}

async def handler(req, ctx):
    return {"status": 200, "body": {"on": gc.isenabled(), "frozen": gc.get_freeze_count()}}
"""
    app = make_app(write_project(tmp_path / "p", {"steps/gc_step.py": step}), copy=False)
    seen = app.get("/gc").json()
    assert seen["on"] is True
    assert seen["frozen"] > 1000


EMITTING_STEPS = {
    "steps/many_step.py": """
import asyncio

config = {"type": "api", "name": "Many", "method": "POST", "path": "/many", "emits": ["n"]}

async def handler(req, ctx):
    tasks_before = len(asyncio.all_tasks())
    sent = asyncio.gather(*(ctx.emit("n", {"i": i}) for i in range(200)))
    tasks_after = len(asyncio.all_tasks())
    ids = await sent
    return {"status": 200, "body": {"ids": ids, "new_tasks": tasks_after - tasks_before}}
""",
    "steps/threaded_step.py": """
import asyncio

config = {"type": "api", "name": "Threaded", "method": "POST", "path": "/threaded", "emits": ["t"]}

async def handler(req, ctx):
    loop = asyncio.get_running_loop()

    def in_a_thread():
        done = asyncio.run_coroutine_threadsafe(ctx.emit("t", {"from": "a thread"}), loop)
        return done.result(timeout=10)

    return {"status": 200, "body": {"id": await asyncio.to_thread(in_a_thread)}}
""",
    "steps/tasks_step.py": """
import asyncio

config = {"type": "api", "name": "Tasks", "method": "POST", "path": "/tasks", "emits": ["k"]}

async def handler(req, ctx):
    task = asyncio.create_task(ctx.emit("k", {"by": "create_task"}))
    async with asyncio.TaskGroup() as group:
        grouped = group.create_task(ctx.emit("k", {"by": "a TaskGroup"}))
    waited = await asyncio.wait_for(ctx.emit("k", {"by": "wait_for"}), 10)
    return {"status": 200, "body": {"ids": [await task, grouped.result(), waited]}}
""",
    "steps/plain_step.py": """
config = {"type": "api", "name": "Plain", "method": "POST", "path": "/plain", "emits": ["p"]}

def handler(req, ctx):
    return {"status": 200, "body": {"id": ctx.emit("p", {"from": "a plain def"})}}
""",
}


def test_emits_are_sent_when_made_with_no_task_each(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", EMITTING_STEPS), copy=False)
    body = app.post("/many").json()
    assert body["new_tasks"] == 0  # a gather of emits wraps none of them in a task
    assert len(set(body["ids"])) == 200 and all(body["ids"])
    assert app.captured("n") == [{"i": i} for i in range(200)]  # durable, in order


def test_a_plain_def_handler_emits_and_gets_the_message_id(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", EMITTING_STEPS), copy=False)
    message_id = app.post("/plain").json()["id"]
    assert isinstance(message_id, str) and message_id
    assert app.captured("p") == [{"from": "a plain def"}]


def test_an_emit_made_off_the_loop_runs_on_it(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", EMITTING_STEPS), copy=False)
    message_id = app.post("/threaded").json()["id"]
    assert isinstance(message_id, str) and message_id
    assert app.captured("t") == [{"from": "a thread"}]


def test_an_emit_goes_into_a_task_as_a_coroutine_would(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", EMITTING_STEPS), copy=False)
    ids = app.post("/tasks").json()["ids"]
    assert len(set(ids)) == 3 and all(isinstance(i, str) and i for i in ids)
    assert [m["by"] for m in app.captured("k")] == ["create_task", "a TaskGroup", "wait_for"]
