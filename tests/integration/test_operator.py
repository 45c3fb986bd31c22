"""What an operator asks a running host from the CLI and the harness: one trace, the
logs (tailed too), one dead letter, a cron step run on demand; and what a project's own
tests see when a step file does not load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import run_cli, write_project
from tests.toolchains import missing_toolchain

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]

PROJECT = {
    "steps/order_step.py": """
config = {"type": "api", "name": "Order", "method": "POST", "path": "/orders",
          "emits": ["order.placed"]}

async def handler(req, ctx):
    ctx.logger.info("order taken", item=req.body["item"])
    await ctx.emit("order.placed", req.body)
    return {"status": 201, "body": {"ok": True}}
""",
    "steps/charge_step.py": """
config = {"type": "event", "name": "Charge", "subscribes": ["order.placed"],
          "maxAttempts": 1}

def declined(item):
    raise ValueError(f"card declined for {item}")

async def handler(data, ctx):
    ctx.logger.info("charging", item=data["item"])
    if data["item"] == "bad":
        declined(data["item"])
""",
    "steps/report_step.py": """
config = {"type": "cron", "name": "DailyReport", "cron": "0 6 * * *"}

async def handler(ctx):
    runs = await ctx.state.get("reports", "runs") or 0
    await ctx.state.set("reports", "runs", runs + 1)
""",
}


@pytest.fixture
def app(make_app: Start, tmp_path: Path) -> StephostApp:
    return make_app(write_project(tmp_path / "p", PROJECT), copy=False)


def test_a_cron_step_runs_on_demand(app: StephostApp, tmp_path: Path) -> None:
    ran = app.run_cron("DailyReport")
    assert ran["step"] == "DailyReport"
    app.wait_idle()
    assert app.state.get("reports", "runs") == 1
    spans = app.get(f"/_stephost/traces/{ran['traceId']}").json()["spans"]
    (run,) = [s for s in spans if s["kind"] == "cron"]  # one run, in a trace of its own
    assert run["step"] == "DailyReport"
    calls = sorted((s["name"], s["parentId"]) for s in spans if s is not run)
    assert calls == [
        ("state.get reports/runs", run["spanId"]),
        ("state.set reports/runs", run["spanId"]),
    ]

    cli = run_cli("cron", "run", "DailyReport", "--url", app.admin_url, cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.startswith("queued a run of DailyReport (trace ")
    app.wait_idle()
    assert app.state.get("reports", "runs") == 2

    unknown = run_cli("cron", "run", "Nope", "--url", app.admin_url, cwd=tmp_path)
    assert unknown.returncode == 1
    assert "no step named 'Nope' (cron steps: DailyReport)" in unknown.stderr
    not_cron = app.post("/_stephost/cron/Charge/run")
    assert not_cron.status_code == 400
    assert "Charge is an event step" in not_cron.json()["error"]["message"]


def test_trace_and_logs_of_one_request(app: StephostApp, tmp_path: Path) -> None:
    response = app.post("/orders", json={"item": "book"})
    trace_id = response.headers["x-trace-id"]
    app.wait_idle()
    shown = run_cli("trace", trace_id, "--url", app.admin_url, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"trace {trace_id}"
    assert lines[1].startswith("  POST /orders  Order (python)")
    assert lines[2].startswith("    emit order.placed  Order (python)")  # the api's call...
    assert lines[3].startswith("    event order.placed  Charge (python)")  # ...and the hop
    assert any("order taken" in line and "item=book" in line for line in lines)

    logs = run_cli("logs", "--trace", trace_id, "--url", app.admin_url, cwd=tmp_path)
    assert logs.returncode == 0, logs.stderr
    assert "order taken" in logs.stdout and "charging" in logs.stdout
    assert all(trace_id in line for line in logs.stdout.splitlines())
    by_step = run_cli("logs", "--step", "Charge", "--url", app.admin_url, cwd=tmp_path)
    assert "charging" in by_step.stdout and "order taken" not in by_step.stdout
    missing = run_cli("trace", "0" * 32, "--url", app.admin_url, cwd=tmp_path)
    assert missing.returncode == 1 and "no trace" in missing.stderr


def test_logs_follow_prints_new_lines_as_they_come(app: StephostApp, tmp_path: Path) -> None:
    follower = subprocess.Popen(
        [sys.executable, "-m", "stephost_host.cli", "logs", "--follow", "--step", "Charge",
         "--url", app.admin_url],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        app.post("/orders", json={"item": "lamp"})
        assert follower.stdout is not None
        for line in follower.stdout:
            if "charging" in line:
                assert "item=lamp" in line
                break
    finally:
        os.killpg(follower.pid, signal.SIGINT)
        assert follower.wait(10) == 0


def test_dlq_show_prints_the_error_with_its_stack(app: StephostApp, tmp_path: Path) -> None:
    app.post("/orders", json={"item": "bad"})
    app.wait_idle()
    (letter,) = app.dlq()
    shown = run_cli("dlq", "show", letter["id"], "--url", app.admin_url, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert f"dead letter {letter['id']}: Charge on order.placed" in out
    assert 'data      {"item":"bad"}' in out
    assert "HANDLER_ERROR ValueError: card declined for bad  (python, Charge)" in out
    # The stack, line by line, not a repr with \n in it.
    assert "\\n" not in out
    frames = [line for line in out.splitlines() if "charge_step.py" in line]
    assert len(frames) >= 2  # the handler and declined()


def test_the_cli_help_shows_the_defaults() -> None:
    shown = run_cli("dev", "--help", cwd=Path.cwd(), env={"COLUMNS": "200"})
    assert "[default: (3111)]" in shown.stdout
    assert "[default: (127.0.0.1)]" in shown.stdout


BROKEN_PROJECT = {
    "steps/signup_step.py": """
import not_installed_anywhere

config = {"type": "api", "name": "Signup", "method": "POST", "path": "/signup"}

async def handler(req, ctx):
    return {"status": 201}
""",
    "tests/test_signup.py": """
import pytest

def test_signup(stephost_app):
    assert stephost_app.post("/signup", json={}).status_code == 201

@pytest.mark.stephost_allow_load_problems
def test_problems_are_readable(stephost_app):
    (problem,) = stephost_app.problems()
    assert problem["file"] == "steps/signup_step.py"
""",
}


def test_the_fixture_fails_with_the_load_problems(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", BROKEN_PROJECT)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = ran.stdout
    assert "1 passed, 1 error" in out, out  # the error at set-up, before any request
    assert "stephost_app: 1 step file(s) could not be loaded:" in out
    assert "(python) steps/signup_step.py: ModuleNotFoundError" in out
    assert "No module named 'not_installed_anywhere'" in out
    assert "no api step serves" not in out


NODE_HARNESS = {
    "steps/tick_step.py": """
config = {"type": "cron", "name": "Tick", "cron": "0 0 1 1 *"}

async def handler(ctx):
    await ctx.state.set("ticks", "last", ctx.trace_id)
""",
    "steps/broken.step.ts": "export const config = {\n  type: 'event'\n  name: 'Broken' }\n",
    "tests/harness.test.mjs": """
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startApp } from 'stephost/testing'

test('startApp rejects with the load problems', async () => {
  await assert.rejects(startApp(), (error) => {
    assert.match(error.message, /^1 step file\\(s\\) could not be loaded:/)
    assert.match(error.message, /\\(node\\) SyntaxError: .*\\(steps\\/broken\\.step\\.ts:3:3\\)/)
    return true
  })
})

test('runCron runs a cron step now', async () => {
  const app = await startApp({ allowLoadProblems: true })
  try {
    assert.equal((await app.problems()).length, 1)
    const { traceId } = await app.runCron('Tick')
    await app.waitIdle()
    assert.equal(await app.state.get('ticks', 'last'), traceId)
  } finally {
    await app.close()
  }
})
""",
}


@pytest.mark.skipif(bool(missing_toolchain("node")), reason=str(missing_toolchain("node")))
def test_the_node_harness_rejects_load_problems_and_runs_cron(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", NODE_HARNESS)
    ran = run_cli("test", cwd=project, timeout=180)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "# pass 2" in ran.stdout


TYPO_PROJECT = {
    "steps/typo_step.py": """
config = {"type": "event", "name": "Typo", "subscribe": ["x"]}

async def handler(data, ctx):
    pass
""",
    "steps/retry_step.py": """
config = {"type": "event", "name": "Retry", "subscribes": ["x"], "maxAttempt": 9}

async def handler(data, ctx):
    pass
""",
}


def test_config_typos_are_reported_with_a_suggestion(make_app: Start, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", TYPO_PROJECT)
    app = make_app(project, copy=False)
    url = ["--url", app.admin_url]
    listed = run_cli("steps", *url, cwd=tmp_path)
    assert "Retry" in listed.stdout  # a typo in an optional key: served, with a warning
    assert (
        "error: steps/typo_step.py: `subscribes` is required for event steps "
        "(the config has `subscribe`: did you mean `subscribes`?)\n"
    ) in listed.stderr  # the path once
    assert (
        "warning: steps/retry_step.py: Retry: unknown key `maxAttempt` "
        "(did you mean `maxAttempts`?)\n"
    ) in listed.stderr
    app.stop()

    strict = make_app(project, copy=False, args=("--strict",))
    assert strict.get("/_stephost/steps").json()["steps"] == []
    messages = [p["error"]["message"] for p in strict.problems()]
    assert "steps/retry_step.py: unknown key `maxAttempt` (did you mean `maxAttempts`?)" in messages

    generated = run_cli("gen", "--strict", cwd=project, timeout=120)
    assert generated.returncode == 2
    assert "error: steps/retry_step.py: Retry: unknown key `maxAttempt`" in generated.stderr
