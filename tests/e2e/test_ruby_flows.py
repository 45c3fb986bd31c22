"""Ruby steps end to end: real hosts, real Ruby (and Python, Node) runtimes.

Each test writes a small project, starts `stephost start` (or `dev`) on it through
``StephostApp`` and drives it over HTTP. Nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT, assert_dev_reloads, assert_kill_9_loses_nothing, write_project
from tests.toolchains import missing_toolchain

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        missing_toolchain("ruby") is not None, reason=str(missing_toolchain("ruby"))
    ),
]

Start = Callable[..., StephostApp]


# -- api (Python or TypeScript) -> Ruby event -> Python event, one trace -----------------

API_STEPS = {
    "python": {
        "steps/create_job_step.py": """
from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api", "name": "CreateJob", "method": "POST", "path": "/jobs/:id",
    "emits": ["job.created"],
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    job_id = req.path_params["id"]
    await ctx.state.set("jobs", job_id, {"id": job_id, "n": req.body["n"], "by": "python"})
    await ctx.emit("job.created", {"id": job_id, "n": req.body["n"]})
    ctx.logger.info("hop one", job_id=job_id)
    return ApiResponse(status=202, body={"id": job_id, "traceId": ctx.trace_id})
""",
    },
    "node": {
        "steps/create-job.step.ts": """
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api', name: 'CreateJob', method: 'POST', path: '/jobs/:id', emits: ['job.created'],
} satisfies ApiConfig

export const handler: ApiHandler<{ n: number }> = async (req, ctx) => {
  const id = req.pathParams.id
  await ctx.state.set('jobs', id, { id, n: req.body.n, by: 'node' })
  await ctx.emit('job.created', { id, n: req.body.n })
  ctx.logger.info('hop one', { jobId: id })
  return { status: 202, body: { id, traceId: ctx.traceId } }
}
""",
    },
}

RUBY_AND_PYTHON_HOPS = {
    "steps/enrich_job_step.rb": """
def config
  { type: 'event', name: 'EnrichJob', subscribes: ['job.created'], emits: ['job.enriched'] }
end

def handler(data, ctx)
  job = ctx.state.get('jobs', data['id'])
  ctx.state.set('jobs', data['id'], job.merge('by' => 'ruby', 'sawBy' => job['by'],
                                              'traceId' => ctx.trace_id))
  ctx.emit('job.enriched', { id: data['id'], double: data['n'] * 2 })
  ctx.logger.info('hop two', job_id: data['id'])
end
""",
    "steps/finish_job_step.py": """
from typing import Any

from stephost import Context

config = {"type": "event", "name": "FinishJob", "subscribes": ["job.enriched"]}


async def handler(data: dict[str, Any], ctx: Context) -> None:
    job = await ctx.state.get("jobs", data["id"])
    await ctx.state.set("results", data["id"], {"job": job, "double": data["double"]})
    ctx.logger.info("hop three", job_id=data["id"])
""",
}


@pytest.mark.parametrize("api_language", ["python", "node"])
def test_api_to_ruby_event_to_python_event_shares_state_and_one_trace(
    make_app: Start, backend: dict[str, str], tmp_path: Path, api_language: str
) -> None:
    if missing_toolchain(api_language):
        pytest.skip(str(missing_toolchain(api_language)))
    app = make_app(
        write_project(tmp_path / "p", {**API_STEPS[api_language], **RUBY_AND_PYTHON_HOPS}),
        env=backend,
    )
    response = app.post("/jobs/j1", json={"n": 21})
    assert response.status_code == 202
    trace_id = response.headers["x-trace-id"]
    assert response.json() == {"id": "j1", "traceId": trace_id}
    app.wait_idle()

    # Ruby read what the api step wrote; Python read what Ruby wrote.
    result = app.state.get("results", "j1")
    assert result == {
        "job": {"id": "j1", "n": 21, "by": "ruby", "sawBy": api_language, "traceId": trace_id},
        "double": 42,
    }
    handler_lines = {
        line["event"]: (line["step"], line["language"])
        for line in app.logs(trace_id)
        if line["event"].startswith("hop ")
    }
    assert handler_lines == {
        "hop one": ("CreateJob", api_language),
        "hop two": ("EnrichJob", "ruby"),
        "hop three": ("FinishJob", "python"),
    }
    spans = {s["step"] for s in app.get(f"/_stephost/traces/{trace_id}").json()["spans"]}
    assert {"CreateJob", "EnrichJob", "FinishJob"} <= spans


def test_the_shop_example_awards_points_in_ruby(make_app: Start, backend: dict[str, str]) -> None:
    if missing_toolchain("node"):  # the example has TypeScript steps too
        pytest.skip(str(missing_toolchain("node")))
    app = make_app(ROOT / "examples" / "shop", env=backend)
    response = app.post("/orders", json={"item": "kite", "quantity": 3})
    order_id = response.json()["id"]
    trace_id = response.headers["x-trace-id"]
    app.wait_idle()
    # Python scored it (0.5); Ruby read the Python-written order and awarded 3 * 10 * 0.5.
    assert app.state.get("rewards", order_id) == {
        "orderId": order_id,
        "points": 15,
        "traceId": trace_id,
    }
    (line,) = [x for x in app.logs(trace_id) if x["event"] == "points awarded"]
    assert (line["step"], line["language"], line["points"]) == ("RewardOrder", "ruby", 15)


# -- errors ------------------------------------------------------------------------------

CHARGE = {
    "steps/charge_step.rb": """
def config
  { type: 'event', name: 'Charge', subscribes: ['charge'], maxAttempts: 3, backoffMs: 5 }
end

def check_card(card)
  raise ArgumentError, "card #{card} was declined"
end

def handler(data, _ctx)
  check_card(data['card'])
end
""",
}


def test_ruby_error_is_retried_then_dead_lettered_with_its_backtrace(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", CHARGE), env=backend)
    emitted = app.emit("charge", {"card": "4242"})
    app.wait_idle()
    (letter,) = app.dlq("Charge")
    assert letter["messageId"] == emitted["messageId"]
    assert letter["attempts"] == 3
    error = letter["error"]
    assert (error["code"], error["type"], error["message"]) == (
        "HANDLER_ERROR",
        "ArgumentError",
        "card 4242 was declined",
    )
    assert (error["language"], error["step"], error["retryable"]) == ("ruby", "Charge", True)
    # Ruby's own format: the raising frame with the message, then one frame per line.
    first, *frames = error["stack"].splitlines()
    assert first.endswith(
        "steps/charge_step.rb:7:in `check_card': card 4242 was declined (ArgumentError)"
    )
    assert frames[0].endswith("steps/charge_step.rb:11:in `handler'")
    assert all(frame.startswith("\tfrom ") for frame in frames)
    tries = [
        line["attempt"]
        for line in app.logs(emitted["traceId"])
        if line.get("step") == "Charge" and line["event"].startswith("event ")
    ]
    assert tries == [1, 2, 3]


ODD_RAISES = {
    "steps/odd_step.rb": """
require 'timeout'

def config
  { type: 'event', name: 'Odd', subscribes: ['odd'], maxAttempts: 2, backoffMs: 5 }
end

def handler(data, _ctx)
  case data['kind']
  when 'string' then raise 'a bare string'
  when 'exit' then exit 3
  when 'timeout' then Timeout.timeout(0.01) { sleep 5 }
  when 'nil' then nil.fetch(:x)
  when 'cause'
    begin
      Integer('abc')
    rescue ArgumentError
      raise IOError, 'could not read the count'
    end
  when 'final'
    raise Stephost::StepError.new('no such customer', code: 'NOT_FOUND', retryable: false,
                                                      details: { customer: 'c9' })
  end
end
""",
}


def test_whatever_a_ruby_handler_raises_arrives_as_a_step_error(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", ODD_RAISES))
    (pid,) = app.runtime_pids("ruby")
    kinds = ("string", "exit", "timeout", "nil", "cause", "final")
    sent = {kind: app.emit("odd", {"kind": kind})["messageId"] for kind in kinds}
    app.wait_idle()
    letters = {d["messageId"]: d for d in app.dlq("Odd")}
    errors = {kind: letters[message_id]["error"] for kind, message_id in sent.items()}
    assert {kind: (e["code"], e["type"], e["message"]) for kind, e in errors.items()} == {
        "string": ("HANDLER_ERROR", "RuntimeError", "a bare string"),
        "exit": ("HANDLER_ERROR", "SystemExit", "exit"),
        "timeout": ("HANDLER_ERROR", "Timeout::Error", "execution expired"),
        "nil": ("HANDLER_ERROR", "NoMethodError", errors["nil"]["message"]),
        "cause": ("HANDLER_ERROR", "IOError", "could not read the count"),
        "final": ("NOT_FOUND", "Stephost::StepError", "no such customer"),
    }
    assert "undefined method `fetch' for nil" in errors["nil"]["message"]
    for kind, error in errors.items():
        assert (error["language"], error["step"]) == ("ruby", "Odd"), kind
        assert "steps/odd_step.rb:" in error["stack"], kind
    assert errors["cause"]["cause"]["type"] == "ArgumentError"
    assert 'invalid value for Integer(): "abc"' in errors["cause"]["cause"]["message"]
    # Not retryable: straight to the dead letters, with its details.
    assert letters[sent["final"]]["attempts"] == 1
    assert letters[sent["string"]]["attempts"] == 2
    assert errors["final"]["details"] == {"customer": "c9"}
    # `exit` in a handler fails that invocation only; the runtime lives on.
    assert app.runtime_pids("ruby") == [pid]


# -- crash and redelivery ----------------------------------------------------------------

BURST = {
    "steps/burst_step.rb": """
def config
  { type: 'api', name: 'Burst', method: 'POST', path: '/burst', emits: ['tick'] }
end

def handler(req, ctx)
  req.body['count'].times { |i| ctx.emit('tick', { i: i }) }
  { status: 200, body: { emitted: req.body['count'] } }
end
""",
    "steps/tick_step.rb": """
def config
  { type: 'event', name: 'Tick', subscribes: ['tick'], maxAttempts: 5, backoffMs: 10,
    concurrency: 8 } # 500 take 2.5 s: time to kill mid-burst on a loaded machine
end

def handler(data, ctx)
  sleep 0.04
  ctx.state.set('seen', format('%04d', data['i']), Process.pid)
end
""",
}


def test_kill_9_of_the_ruby_runtime_mid_burst_loses_no_event(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", BURST), env=backend)
    assert_kill_9_loses_nothing(app, "ruby")


# -- many at once ------------------------------------------------------------------------

NAP = {
    "steps/nap_step.rb": """
def config
  { type: 'api', name: 'Nap', method: 'POST', path: '/nap/:n' }
end

def handler(req, _ctx)
  sleep 0.05
  { status: 200, body: { n: req.path_params['n'].to_i } }
end
""",
}


def test_200_concurrent_invocations_of_a_sleeping_ruby_step_all_complete(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", NAP))
    (runtime,) = app.health()["runtimes"]
    assert runtime["capacity"] == 64  # the worker pool's size, announced in Hello
    limits = httpx.Limits(max_connections=250, max_keepalive_connections=250)
    with (
        httpx.Client(base_url=app.url, limits=limits, timeout=60) as client,
        ThreadPoolExecutor(max_workers=200) as pool,
    ):
        responses = list(pool.map(lambda n: client.post(f"/nap/{n}"), range(200)))
    assert [r.status_code for r in responses] == [200] * 200
    assert sorted(r.json()["n"] for r in responses) == list(range(200))
    # The host never had more in flight than the runtime can run.
    refused = [line for line in app.logs() if "RESOURCE_EXHAUSTED" in str(line)]
    assert refused == []


# -- hot reload --------------------------------------------------------------------------

VERSIONED = """
def config
  { type: 'api', name: 'Version', method: 'GET', path: '/version' }
end

def handler(_req, _ctx)
  { status: 200, body: { version: VERSION } }
end
"""


def test_dev_reloads_a_changed_ruby_file(make_app: Start, tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p", {"steps/version_step.rb": VERSIONED.replace("VERSION", "1")}
    )
    app = make_app(project, copy=False, command="dev")
    source = VERSIONED.replace("VERSION", "2")
    assert_dev_reloads(app, project / "steps" / "version_step.rb", source, "ruby")


# -- isolation and load errors -----------------------------------------------------------

TWINS = {
    f"steps/{name}_step.rb": f"""
WHO = '{name}'

def config
  {{ type: 'api', name: '{name.capitalize()}', method: 'GET', path: '/{name}' }}
end

def greeting
  "hello from #{{WHO}}"
end

def handler(_req, _ctx)
  {{ status: 200, body: {{ greeting: greeting }} }}
end
"""
    for name in ("left", "right")
}


def test_two_ruby_files_defining_config_and_handler_do_not_collide(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", TWINS))
    assert app.get("/left").json() == {"greeting": "hello from left"}
    assert app.get("/right").json() == {"greeting": "hello from right"}
    assert app.get("/_stephost/steps").json()["problems"] == []


BROKEN = {
    "steps/good_step.rb": """
def config
  { type: 'api', name: 'Good', method: 'GET', path: '/good' }
end

def handler(_req, _ctx)
  { status: 200, body: { ok: true } }
end
""",
    "steps/syntax_step.rb": """
def config
  { type: 'api', name: 'Syntax', method: 'GET', path: '/syntax'
end
""",
    "steps/no_handler_step.rb": """
def config
  { type: 'event', name: 'NoHandler', subscribes: ['x'] }
end
""",
    "steps/throws_step.rb": """
raise KeyError, 'cannot start: DATABASE_URL is not set'
""",
    "steps/bad_method_step.rb": """
def config
  { type: 'api', name: 'BadMethod', method: 'FETCH', path: '/bad' }
end

def handler(_req, _ctx) = nil
""",
}


def test_load_errors_are_reported_per_file_and_the_rest_serves(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", BROKEN))
    assert app.get("/good").json() == {"ok": True}
    problems = {p["file"]: p for p in app.get("/_stephost/steps").json()["problems"]}
    assert set(problems) == {
        "steps/syntax_step.rb",
        "steps/no_handler_step.rb",
        "steps/throws_step.rb",
        "steps/bad_method_step.rb",
    }
    assert all(p["language"] == "ruby" for p in problems.values())

    def error(file: str) -> tuple[str, str]:
        failure: dict[str, Any] = problems[file]["error"]
        return failure["code"], failure["message"]

    code, message = error("steps/syntax_step.rb")
    assert code == "LOAD_FAILED"
    assert message.startswith("SyntaxError: steps/syntax_step.rb:4: syntax error")
    assert error("steps/no_handler_step.rb") == (
        "BAD_CONFIG",
        "steps/no_handler_step.rb defines no `handler` method",
    )
    assert error("steps/throws_step.rb") == (
        "LOAD_FAILED",
        "KeyError: cannot start: DATABASE_URL is not set",
    )
    code, message = error("steps/bad_method_step.rb")
    assert code == "BAD_CONFIG" and "method" in message
