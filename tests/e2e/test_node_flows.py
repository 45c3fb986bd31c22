"""TypeScript and JavaScript steps end to end: real hosts, real Node and Python runtimes.

Each test writes a small project, starts `stephost start` (or `dev`) on it through
``StephostApp`` and drives it over HTTP. Nothing is mocked.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT, assert_dev_reloads, assert_kill_9_loses_nothing, write_project
from tests.toolchains import missing_toolchain

NODE_BRIDGE = ROOT / "bridges" / "node"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        missing_toolchain("node") is not None, reason=str(missing_toolchain("node"))
    ),
]

Start = Callable[..., StephostApp]


# -- TS api -> Python event -> TS event, one trace -------------------------------------

CROSS = {
    "steps/create-job.step.ts": """
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api', name: 'CreateJob', method: 'POST', path: '/jobs/:id',
  emits: ['job.created'],
  bodySchema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
} satisfies ApiConfig

export const handler: ApiHandler<{ n: number }> = async (req, ctx) => {
  const id = req.pathParams.id
  await ctx.state.set('jobs', id, { id, n: req.body.n, status: 'created', by: 'node' })
  await ctx.emit('job.created', { id, n: req.body.n })
  ctx.logger.info('hop one', { jobId: id })
  return { status: 202, body: { id, traceId: ctx.traceId } }
}
""",
    "steps/enrich_job_step.py": """
from typing import Any

from stephost import Context

config = {
    "type": "event", "name": "EnrichJob", "subscribes": ["job.created"],
    "emits": ["job.enriched"],
}


async def handler(data: dict[str, Any], ctx: Context) -> None:
    job = await ctx.state.get("jobs", data["id"])
    await ctx.state.set("jobs", data["id"], {**job, "status": "enriched", "by": "python"})
    await ctx.emit("job.enriched", {"id": data["id"], "double": data["n"] * 2})
    ctx.logger.info("hop two", job_id=data["id"])
""",
    "steps/finish-job.step.ts": """
import type { EventConfig, EventHandler } from 'stephost'

type Job = { id: string; n: number; status: string; by: string }

export const config = {
  type: 'event', name: 'FinishJob', subscribes: ['job.enriched'],
} satisfies EventConfig

export const handler: EventHandler<{ id: string; double: number }> = async (data, ctx) => {
  const job = await ctx.state.get<Job>('jobs', data.id)
  await ctx.state.set('results', data.id, {
    sawStatus: job?.status, sawBy: job?.by, double: data.double, traceId: ctx.traceId,
  })
  ctx.logger.info('hop three', { jobId: data.id })
}
""",
}


def test_ts_api_to_python_event_to_ts_event_shares_state_and_one_trace(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", CROSS), env=backend)
    response = app.post("/jobs/j1", json={"n": 21})
    assert response.status_code == 202
    trace_id = response.headers["x-trace-id"]
    assert response.json() == {"id": "j1", "traceId": trace_id}
    app.wait_idle()

    # The TS event read what the Python event wrote; the result is visible to anyone.
    result = app.get("/_stephost/state/results/j1").json()["value"]
    assert result == {"sawStatus": "enriched", "sawBy": "python", "double": 42, "traceId": trace_id}

    # Every hop logged under the one trace, in its own language.
    handler_lines = {
        line["event"]: (line["step"], line["language"])
        for line in app.logs(trace_id)
        if line["event"].startswith("hop ")
    }
    assert handler_lines == {
        "hop one": ("CreateJob", "node"),
        "hop two": ("EnrichJob", "python"),
        "hop three": ("FinishJob", "node"),
    }
    spans = {s["step"] for s in app.get(f"/_stephost/traces/{trace_id}").json()["spans"]}
    assert {"CreateJob", "EnrichJob", "FinishJob"} <= spans


# -- errors ------------------------------------------------------------------------------

FAILING = {
    "steps/charge.step.ts": """
import type { EventConfig, EventHandler } from 'stephost'

export const config = {
  type: 'event', name: 'Charge', subscribes: ['charge'], maxAttempts: 3, backoffMs: 5,
} satisfies EventConfig

function checkCard(card: string): void {
  throw new TypeError(`card ${card} was declined`)
}

export const handler: EventHandler<{ card: string }> = async (data) => {
  checkCard(data.card)
}
""",
}


def test_ts_error_is_retried_then_dead_lettered_with_its_js_stack(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", FAILING), env=backend)
    emitted = app.emit("charge", {"card": "4242"})
    app.wait_idle()
    (letter,) = app.dlq("Charge")
    assert letter["messageId"] == emitted["messageId"]
    assert letter["attempts"] == 3
    error = letter["error"]
    assert error["code"] == "HANDLER_ERROR"
    assert error["type"] == "TypeError"
    assert error["message"] == "card 4242 was declined"
    assert error["language"] == "node"
    assert error["step"] == "Charge"
    # The JS stack, at the TypeScript source's lines (the transform keeps them).
    assert error["stack"].startswith("TypeError: card 4242 was declined\n    at checkCard (")
    assert "steps/charge.step.ts:9" in error["stack"]
    tries = [
        line["attempt"]
        for line in app.logs(emitted["traceId"])
        if line.get("step") == "Charge" and line["event"].startswith("event ")
    ]
    assert tries == [1, 2, 3]


ODD_THROWS = {
    "steps/odd.step.ts": """
import type { EventConfig, EventHandler } from 'stephost'

export const config = {
  type: 'event', name: 'Odd', subscribes: ['odd'], maxAttempts: 1,
} satisfies EventConfig

export const handler: EventHandler<{ kind: string }> = (data) => {
  if (data.kind === 'string') throw 'a bare string'
  if (data.kind === 'object') throw { reason: 'an object', code: 7 }
  if (data.kind === 'reject') return Promise.reject(new RangeError('a rejected promise'))
  if (data.kind === 'callback') {
    // The handler returned a pending promise; a callback it scheduled throws.
    return new Promise<void>(() => {
      setTimeout(() => { throw new SyntaxError('thrown in a timer callback') }, 5)
    })
  }
  if (data.kind === 'after') {
    // The handler succeeds; a timer it left behind throws later.
    setTimeout(() => { throw new EvalError('thrown after the handler returned') }, 20)
  }
}
""",
}


def _letter(app: StephostApp, message_id: str) -> dict[str, Any]:
    (letter,) = [d for d in app.dlq("Odd") if d["messageId"] == message_id]
    return letter


def test_whatever_a_ts_handler_throws_arrives_as_a_step_error(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", ODD_THROWS))
    sent = {kind: app.emit("odd", {"kind": kind}) for kind in ("string", "object", "reject")}
    sent["callback"] = app.emit("odd", {"kind": "callback"})
    app.wait_idle()
    expected = {
        "string": ("string", "a bare string"),
        "object": ("Object", '{"reason":"an object","code":7}'),
        "reject": ("RangeError", "a rejected promise"),
        "callback": ("SyntaxError", "thrown in a timer callback"),
    }
    for kind, (error_type, message) in expected.items():
        error = _letter(app, sent[kind]["messageId"])["error"]
        assert (error["type"], error["message"]) == (error_type, message), kind
        assert error["language"] == "node"
        assert error["step"] == "Odd"
        assert error["stack"], kind
    assert "odd.step.ts" in _letter(app, sent["reject"]["messageId"])["error"]["stack"]
    assert "odd.step.ts" in _letter(app, sent["callback"]["messageId"])["error"]["stack"]
    assert _letter(app, sent["object"]["messageId"])["error"]["details"] == {
        "thrown": {"reason": "an object", "code": 7}
    }


def test_an_error_after_the_handler_returned_is_logged_and_the_runtime_lives_on(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", ODD_THROWS))
    (pid,) = app.runtime_pids("node")
    emitted = app.emit("odd", {"kind": "after"})
    line = app.wait_for(
        lambda: [x for x in app.logs() if x["event"] == "uncaught exception after Odd finished"],
        what="the late error in the log",
    )[0]
    assert line["level"] == "error"
    assert line["language"] == "node"
    assert line["traceId"] == emitted["traceId"]
    assert line["error"]["step"] == "Odd"
    assert line["error"]["type"] == "EvalError"
    assert "thrown after the handler returned" in line["error"]["stack"]
    app.wait_idle()
    assert app.dlq("Odd") == []  # the delivery itself succeeded
    assert app.runtime_pids("node") == [pid]


# -- crash and redelivery ----------------------------------------------------------------

BURST = {
    "steps/burst.step.ts": """
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api', name: 'Burst', method: 'POST', path: '/burst', emits: ['tick'],
} satisfies ApiConfig

export const handler: ApiHandler<{ count: number }> = async (req, ctx) => {
  const ids = await Promise.all(
    Array.from({ length: req.body.count }, (_, i) => ctx.emit('tick', { i })),
  )
  return { status: 200, body: { emitted: ids.length } }
}
""",
    "steps/tick.step.ts": """
import { setTimeout as sleep } from 'node:timers/promises'
import type { EventConfig, EventHandler } from 'stephost'

export const config = {
  type: 'event', name: 'Tick', subscribes: ['tick'], maxAttempts: 5, backoffMs: 10,
  concurrency: 8, // 500 take 2.5 s: time to kill mid-burst on a loaded machine
} satisfies EventConfig

export const handler: EventHandler<{ i: number }> = async (data, ctx) => {
  await sleep(40)
  await ctx.state.set('seen', String(data.i).padStart(4, '0'), process.pid)
}
""",
}


def test_kill_9_of_the_node_runtime_mid_burst_loses_no_event(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", BURST), env=backend)
    assert_kill_9_loses_nothing(app, "node")


# -- hot reload --------------------------------------------------------------------------

VERSIONED = """
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api', name: 'Version', method: 'GET', path: '/version',
} satisfies ApiConfig

export const handler: ApiHandler = () => ({ status: 200, body: { version: VERSION } })
"""


def test_dev_reloads_a_changed_ts_file(make_app: Start, tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p", {"steps/version.step.ts": VERSIONED.replace("VERSION", "1")}
    )
    app = make_app(project, copy=False, command="dev")
    source = VERSIONED.replace("VERSION", "2")
    assert_dev_reloads(app, project / "steps" / "version.step.ts", source, "node")


# -- several processes -------------------------------------------------------------------

WHO = {
    "stephost.toml": "[runtimes.node]\nprocesses = 2\n",
    "steps/who.step.ts": """
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = { type: 'api', name: 'Who', method: 'GET', path: '/who' } satisfies ApiConfig

export const handler: ApiHandler = async () => {
  await sleep(200)
  return { status: 200, body: { pid: process.pid } }
}
""",
}


def test_two_node_processes_both_take_work(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", WHO))
    pids = app.runtime_pids("node")
    assert len(pids) == 2
    answered: list[int] = []

    def call() -> None:
        answered.append(app.get("/who").json()["pid"])

    threads = [threading.Thread(target=call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answered) == 16
    assert set(answered) == set(pids)


# -- module formats, zod, load errors --------------------------------------------------

FORMATS = {
    "package.json": '{ "type": "module" }\n',
    "steps/esm.step.ts": """
import type { ApiConfig, ApiHandler } from 'stephost'
const loadedFrom = import.meta.url.split('/').pop()
const answer: number = await Promise.resolve(42)  // top-level await: an ES module
export const config: ApiConfig = { type: 'api', name: 'EsmTs', method: 'GET', path: '/esm-ts' }
export const handler: ApiHandler = () => ({ status: 200, body: { loadedFrom, answer } })
""",
    "steps/plain.step.mjs": """
export const config = { type: 'api', name: 'EsmJs', method: 'GET', path: '/esm-js' }
export const handler = async () => ({ status: 200, body: { format: 'mjs' } })
""",
    "steps/common.step.cjs": """
const { StepError } = require('stephost')
const path = require('node:path')
module.exports = {
  config: { type: 'api', name: 'CjsJs', method: 'GET', path: '/cjs-js' },
  handler: async () => ({
    status: 200,
    body: { file: path.basename(__filename), sdk: typeof StepError },
  }),
}
""",
    "steps/common-ts.step.cts": """
import path = require('node:path')
import type { ApiConfig, ApiHandler } from 'stephost'
export const config: ApiConfig = { type: 'api', name: 'CjsTs', method: 'GET', path: '/cjs-ts' }
export const handler: ApiHandler = () => ({
  status: 200,
  body: { file: path.basename(__filename) },
})
""",
}


def test_esm_and_commonjs_step_files_both_work(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", FORMATS))
    assert app.get("/esm-ts").json() == {"loadedFrom": "esm.step.ts", "answer": 42}
    assert app.get("/esm-js").json() == {"format": "mjs"}
    assert app.get("/cjs-js").json() == {"file": "common.step.cjs", "sdk": "function"}
    assert app.get("/cjs-ts").json() == {"file": "common-ts.step.cts"}


ZOD = {
    "steps/order.step.ts": """
import { z } from 'zod'
import type { ApiConfig, ApiHandler } from 'stephost'

const Order = z.object({ item: z.string().min(1), quantity: z.number().int().min(1) })

export const config = {
  type: 'api', name: 'ZodOrder', method: 'POST', path: '/orders', bodySchema: Order,
} satisfies ApiConfig

export const handler: ApiHandler<z.infer<typeof Order>> = (req) => ({
  status: 201, body: { item: req.body.item, quantity: req.body.quantity },
})
""",
}


def test_a_zod_body_schema_is_checked_by_the_host(make_app: Start, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", ZOD)
    # The project depends on zod, as a real one would (here: the copy the runtime uses).
    (project / "node_modules").mkdir()
    (project / "node_modules" / "zod").symlink_to(NODE_BRIDGE / "node_modules" / "zod")
    app = make_app(project, copy=False)
    assert app.post("/orders", json={"item": "book", "quantity": 2}).status_code == 201
    bad = app.post("/orders", json={"item": "", "quantity": 0})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "VALIDATION_FAILED"
    paths = {field["path"] for field in bad.json()["error"]["errors"]}
    assert paths == {"/item", "/quantity"}
    schema = app.get("/openapi.json").json()["paths"]["/orders"]["post"]["requestBody"]
    assert "quantity" in str(schema)


BROKEN = {
    "steps/good.step.ts": """
export const config = { type: 'api', name: 'Good', method: 'GET', path: '/good' }
export const handler = () => ({ status: 200, body: { ok: true } })
""",
    "steps/syntax.step.ts": """
export const config = {
  type: 'api',
  name: 'Syntax'
  method: 'GET',
}
""",
    "steps/no-handler.step.ts": """
export const config = { type: 'event', name: 'NoHandler', subscribes: ['x'] }
""",
    "steps/no-config.step.js": "exports.handler = () => null\n",
    "steps/bad-method.step.ts": """
export const config = { type: 'api', name: 'BadMethod', method: 'FETCH', path: '/x' }
export const handler = () => ({ status: 200 })
""",
    "steps/throws.step.mjs": "throw new Error('cannot start: DATABASE_URL is not set')\n",
}


def test_load_errors_are_reported_per_file_and_the_rest_serves(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", BROKEN))
    assert app.get("/good").json() == {"ok": True}
    problems = {p["file"]: p for p in app.get("/_stephost/steps").json()["problems"]}
    assert set(problems) == {
        "steps/syntax.step.ts",
        "steps/no-handler.step.ts",
        "steps/no-config.step.js",
        "steps/bad-method.step.ts",
        "steps/throws.step.mjs",
    }
    assert all(p["language"] == "node" for p in problems.values())

    def error(file: str) -> tuple[str, str]:
        failure = problems[file]["error"]
        return failure["code"], failure["message"]

    code, message = error("steps/syntax.step.ts")
    assert code == "LOAD_FAILED"
    assert message.startswith("SyntaxError: ") and message.endswith("(steps/syntax.step.ts:5:3)")
    assert error("steps/no-handler.step.ts") == (
        "BAD_CONFIG",
        "steps/no-handler.step.ts exports no `handler` function",
    )
    assert error("steps/no-config.step.js") == (
        "BAD_CONFIG",
        "steps/no-config.step.js exports no `config`",
    )
    code, message = error("steps/bad-method.step.ts")
    assert code == "BAD_CONFIG" and "`method` must be one of" in message
    assert error("steps/throws.step.mjs") == (
        "LOAD_FAILED",
        "Error: cannot start: DATABASE_URL is not set",
    )


# -- types for step authors --------------------------------------------------------------


def test_the_example_ts_steps_pass_tsc_strict() -> None:
    tsc = NODE_BRIDGE / "node_modules" / "typescript" / "bin" / "tsc"
    for project in ("examples/shop", "tests/conformance/node", "bench/projects/node"):
        run = subprocess.run(
            ["node", str(tsc), "--noEmit", "--strict", "-p", str(ROOT / project / "tsconfig.json")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, f"{project}:\n{run.stdout}{run.stderr}"
