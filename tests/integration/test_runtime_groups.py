"""Runtime groups: a group whose last runtime went away leaves its steps unavailable
(503 on their routes, messages on their topics kept in the queue), the other groups
keep serving, and the group's restarted runtime brings them back. Real host, real
Python and Node runtimes, real kill -9."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.model import Limits
from stephost_host.runtimes.limits import limited
from stephost_host.testing import StephostApp
from tests.conftest import write_project

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]

# The Python runtime imports this file before it says Hello; while `hold` exists the
# import waits, so a restarted Python runtime stays away until the test lets it come.
HELD_PYTHON = {
    "steps/ping_step.py": """
import pathlib
import time

HOLD = pathlib.Path(__file__).resolve().parent.parent / "hold"
while HOLD.exists():
    time.sleep(0.02)

config = {"type": "api", "name": "Ping", "method": "GET", "path": "/ping"}

async def handler(req, ctx):
    return {"status": 200, "body": {"pong": True}}
""",
    "steps/count_step.py": """
config = {"type": "event", "name": "Count", "subscribes": ["note.created"]}

async def handler(data, ctx):
    await ctx.state.set("counted", data["id"], True)
""",
    "steps/note.step.ts": """
export const config = {
  type: 'api', name: 'Note', method: 'POST', path: '/notes', emits: ['note.created'],
}
export const handler = async (req: { body: { id: string } }, ctx: any) => {
  await ctx.emit('note.created', { id: req.body.id })
  return { status: 201, body: { id: req.body.id } }
}
""",
}


def test_killed_group_is_unavailable_then_back(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", HELD_PYTHON))
    assert app.get("/ping").json() == {"pong": True}
    assert app.health()["status"] == "ok"
    groups = {g["name"]: g for g in app.health()["groups"]}
    assert groups["python"]["available"] and groups["node"]["available"]
    assert groups["python"]["steps"] == ["Count", "Ping"]
    (pid,) = app.runtime_pids("python")
    (app.project / "hold").write_text("")
    os.kill(pid, signal.SIGKILL)
    app.wait_for(lambda: app.health()["unavailable"], what="the Python steps unavailable")

    health = app.health()
    assert health["status"] == "degraded"
    assert health["unavailable"] == ["Count", "Ping"]
    assert {g["name"]: g["available"] for g in health["groups"]} == {
        "node": True,
        "python": False,
    }
    assert app.get("/_stephost/steps").json()["unavailable"] == ["Count", "Ping"]
    response = app.get("/ping")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    error = response.json()["error"]
    assert error["code"] == "RUNTIME_UNAVAILABLE"
    assert error["step"] == "Ping"
    assert error["traceId"] == response.headers["x-trace-id"]
    # The Node group serves on, and its emits to a Python step wait in the queue.
    ids = [f"n{i}" for i in range(20)]
    for note_id in ids:
        assert app.post("/notes", json={"id": note_id}).status_code == 201
    app.emit("note.created", {"id": "from-admin"})
    stats = app.stats()["steps"]["Count"]
    assert stats["ready"] == len(ids) + 1
    assert app.health()["unavailable"] == ["Count", "Ping"]  # nothing ran them

    (app.project / "hold").unlink()
    app.wait_for(lambda: app.health()["status"] == "ok", what="the Python group back")
    assert app.get("/ping").json() == {"pong": True}
    app.wait_idle()
    counted = {item["key"] for item in app.state.list("counted")}
    assert counted == {*ids, "from-admin"}
    assert app.dlq() == []
    events = [line["event"] for line in app.logs()]
    assert "runtime group unavailable" in events
    assert "runtime group available again" in events


# An isolated event step that blows past its memory limit on its first delivery (the
# `blown` marker says it did), and succeeds when the event comes again. Its import
# waits while `hold` exists, so its restarted runtime stays away until the test says.
HEAVY = {
    "python": {
        "steps/heavy_step.py": """
import pathlib
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
while (ROOT / "hold").exists():
    time.sleep(0.02)

config = {
    "type": "event", "name": "Heavy", "subscribes": ["heavy"],
    "isolated": True, "limits": {"memoryMb": 128, "cpuSeconds": 60},
}

async def handler(data, ctx):
    blown = ROOT / "blown"
    if not blown.exists():
        blown.write_text("")
        hog = bytearray(512 * 1024 * 1024)  # MemoryError: past the limit
        del hog
    await ctx.state.set("heavy", data["id"], "done")
""",
    },
    "node": {
        "steps/heavy.step.ts": """
import { existsSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const nap = new Int32Array(new SharedArrayBuffer(4))
while (existsSync(join(ROOT, 'hold'))) Atomics.wait(nap, 0, 0, 20)

export const config = {
  type: 'event', name: 'Heavy', subscribes: ['heavy'],
  isolated: true, limits: { memoryMb: 256, cpuSeconds: 60 },
}
export const handler = async (data: { id: string }, ctx: any) => {
  const blown = join(ROOT, 'blown')
  if (!existsSync(blown)) {
    writeFileSync(blown, '')
    const hog: number[][] = []
    for (let i = 0; ; i++) hog.push(new Array(100_000).fill(i))  // V8 aborts at the limit
  }
  await ctx.state.set('heavy', data.id, 'done')
}
""",
    },
    "ruby": {
        "steps/heavy_step.rb": """
ROOT = File.expand_path('..', File.dirname(__FILE__))
sleep 0.02 while File.exist?(File.join(ROOT, 'hold'))

def config
  { type: 'event', name: 'Heavy', subscribes: ['heavy'],
    isolated: true, limits: { memoryMb: 512, cpuSeconds: 60 } }
end

def handler(data, ctx)
  blown = File.join(ROOT, 'blown')
  unless File.exist?(blown)
    File.write(blown, '')
    'x' * (2048 * 1024 * 1024) # NoMemoryError: past the limit
  end
  ctx.state.set('heavy', data['id'], 'done')
end
""",
    },
}
OUT_OF_MEMORY = {
    "python": "Heavy reached the memory limit (128 MB)",  # MemoryError: the runtime exits
    "node": "JavaScript heap out of memory",  # V8 aborts
    "ruby": "Heavy reached the memory limit (512 MB)",  # NoMemoryError: the runtime exits
}
SHARED = {
    "steps/ping_step.py": """
config = {"type": "api", "name": "Ping", "method": "GET", "path": "/ping"}

async def handler(req, ctx):
    return {"status": 200, "body": {"pong": True}}
""",
}


@pytest.mark.parametrize("language", ["python", "node", "ruby"])
def test_isolated_step_at_its_memory_limit_restarts_alone(
    make_app: Start, tmp_path: Path, language: str
) -> None:
    app = make_app(write_project(tmp_path / "p", {**SHARED, **HEAVY[language]}))
    (file,) = HEAVY[language]
    isolated = f"{language}:{file}"
    groups = {g["name"]: g for g in app.health()["groups"]}
    assert groups[isolated]["steps"] == ["Heavy"]
    assert "Heavy" not in groups["python"]["steps"]  # the shared runtime skips its file
    shared = {r["pid"] for r in app.health()["runtimes"] if r["group"] == "python"}
    (heavy_pid,) = {r["pid"] for r in app.health()["runtimes"] if r["group"] == isolated}
    steps = {s["name"]: s for s in app.get("/_stephost/steps").json()["steps"]}
    assert steps["Heavy"]["settings"]["isolated"] is True
    (app.project / "hold").write_text("")

    app.emit("heavy", {"id": "h1"})
    app.wait_for(lambda: app.health()["unavailable"] == ["Heavy"], what="Heavy's runtime down")
    for _ in range(5):  # the other steps serve on, from the same process
        assert app.get("/ping").json() == {"pong": True}
    assert {r["pid"] for r in app.health()["runtimes"] if r["group"] == "python"} == shared
    exits = [line for line in app.logs() if line["event"] == "runtime exited; restarting"]
    assert [line["group"] for line in exits] == [isolated]
    # Its own output, folded into the log under its group, says why it died.
    said = [line["event"] for line in app.logs() if line.get("group") == isolated]
    assert any(OUT_OF_MEMORY[language] in text for text in said), said[-10:]

    (app.project / "hold").unlink()
    app.wait_for(lambda: app.health()["status"] == "ok", what="Heavy's runtime back")
    app.wait_idle()
    assert app.state.get("heavy", "h1") == "done"  # the event came again, and ran
    assert app.dlq() == []
    runtimes = app.health()["runtimes"]
    assert {r["pid"] for r in runtimes if r["group"] == "python"} == shared
    assert {r["pid"] for r in runtimes if r["group"] == isolated} != {heavy_pid}


# An isolated step in each language: it runs in its own group, which loads only its
# file, and the language's shared group skips it.
EACH_LANGUAGE = {
    **SHARED,
    "steps/alone_step.py": """
config = {"type": "api", "name": "AlonePy", "method": "GET", "path": "/alone/py",
          "isolated": True, "limits": {"memoryMb": 512}}

async def handler(req, ctx):
    import os
    return {"status": 200, "body": {"pid": os.getpid()}}
""",
    "steps/alone.step.ts": """
export const config = {
  type: 'api', name: 'AloneTs', method: 'GET', path: '/alone/ts',
  isolated: true, limits: { memoryMb: 512 },
}
export const handler = async () => ({ status: 200, body: { pid: process.pid } })
""",
    "steps/together.step.ts": """
export const config = { type: 'api', name: 'TogetherTs', method: 'GET', path: '/together/ts' }
export const handler = async () => ({ status: 200, body: { pid: process.pid } })
""",
    "steps/alone_step.rb": """
def config
  { type: 'api', name: 'AloneRb', method: 'GET', path: '/alone/rb', isolated: true }
end

def handler(_req, _ctx)
  { status: 200, body: { pid: Process.pid } }
end
""",
    "steps/together_step.rb": """
def config
  { type: 'api', name: 'TogetherRb', method: 'GET', path: '/together/rb' }
end

def handler(_req, _ctx)
  { status: 200, body: { pid: Process.pid } }
end
""",
}


def test_isolated_steps_of_every_language_run_in_groups_of_their_own(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", EACH_LANGUAGE))
    groups = {g["name"]: g["steps"] for g in app.health()["groups"]}
    assert groups == {
        "python": ["Ping"],
        "python:steps/alone_step.py": ["AlonePy"],
        "node": ["TogetherTs"],
        "node:steps/alone.step.ts": ["AloneTs"],
        "ruby": ["TogetherRb"],
        "ruby:steps/alone_step.rb": ["AloneRb"],
    }
    pids = {r["group"]: r["pid"] for r in app.health()["runtimes"]}
    assert app.get("/alone/py").json()["pid"] == pids["python:steps/alone_step.py"]
    assert app.get("/alone/ts").json()["pid"] == pids["node:steps/alone.step.ts"]
    assert app.get("/together/ts").json()["pid"] == pids["node"]
    assert app.get("/alone/rb").json()["pid"] == pids["ruby:steps/alone_step.rb"]
    assert app.get("/together/rb").json()["pid"] == pids["ruby"]
    assert app.problems() == []


def test_limits_hold_in_the_command_they_run() -> None:
    show = "import resource as r; print(r.getrlimit(r.RLIMIT_DATA), r.getrlimit(r.RLIMIT_CPU))"
    command = limited([sys.executable, "-c", show], Limits(memory_mb=300, cpu_seconds=7))
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["(314572800,", "314572800)", "(7,", "8)"]
    cpu_only = limited([sys.executable, "-c", show], Limits(cpu_seconds=7))
    out = subprocess.run(cpu_only, capture_output=True, text=True, check=True).stdout
    assert out.startswith(str(resource.getrlimit(resource.RLIMIT_DATA)))  # as it was


WORK = """
import os

config = {{"type": "api", "name": "Work", "method": "GET", "path": "/work"{extra}}}

async def handler(req, ctx):
    return {{"status": 200, "body": {{"pid": os.getpid(), "version": {version}}}}}
"""


def test_dev_moves_a_step_into_its_own_group_and_back(make_app: Start, tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p", {**SHARED, "steps/work_step.py": WORK.format(extra="", version=1)}
    )
    app = make_app(project, copy=False, command="dev")

    def groups() -> dict[str, list[str]]:
        return {g["name"]: g["steps"] for g in app.health()["groups"]}

    assert groups() == {"python": ["Ping", "Work"]}
    work = project / "steps" / "work_step.py"
    work.write_text(WORK.format(extra=', "isolated": True', version=2))
    alone = {"python": ["Ping"], "python:steps/work_step.py": ["Work"]}
    app.wait_for(lambda: groups() == alone, what="Work in a group of its own")
    app.wait_for(lambda: len(app.runtime_pids("python")) == 2, what="two Python runtimes")
    pids = {r["group"]: r["pid"] for r in app.health()["runtimes"]}
    assert app.get("/work").json() == {"pid": pids["python:steps/work_step.py"], "version": 2}

    work.write_text(WORK.format(extra="", version=3))
    app.wait_for(lambda: groups() == {"python": ["Ping", "Work"]}, what="Work shared again")
    # (the runtimes it replaced finish what they ran, then go)
    app.wait_for(lambda: len(app.runtime_pids("python")) == 1, what="one Python runtime")
    (pid,) = app.runtime_pids("python")
    assert app.get("/work").json() == {"pid": pid, "version": 3}
    assert app.health()["status"] == "ok"


SPINNER = {
    **SHARED,
    "steps/spin_step.py": """
config = {
    "type": "event", "name": "Spin", "subscribes": ["spin"],
    "isolated": True, "limits": {"cpuSeconds": 2},
}

def handler(data, ctx):
    while True:  # past cpuSeconds the kernel ends the process (SIGXCPU)
        pass
""",
}


def test_an_isolated_step_past_its_cpu_limit_is_parked_alone(
    make_app: Start, tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", SPINNER))
    (shared,) = [r["pid"] for r in app.health()["runtimes"] if r["group"] == "python"]
    app.emit("spin", {})
    # It kills its runtime each time it runs: after three deaths, it is a poison message.
    app.wait_for(lambda: app.dlq("Spin"), timeout_s=120, what="Spin parked")
    (letter,) = app.dlq("Spin")
    assert "went away 3 times" in letter["error"]["message"]
    assert app.get("/ping").json() == {"pong": True}
    assert [r["pid"] for r in app.health()["runtimes"] if r["group"] == "python"] == [shared]
    exits = [line for line in app.logs() if line["event"] == "runtime exited; restarting"]
    assert {line["group"] for line in exits} == {"python:steps/spin_step.py"}
    assert {line["exit_code"] for line in exits} == {-signal.SIGXCPU}


EXEC_ARGV_STEP = {
    "steps/argv.step.ts": """
export const config = { type: 'api', name: 'Argv', method: 'GET', path: '/argv' }

export const handler = async () => ({ status: 200, body: { execArgv: process.execArgv } })
""",
}


@pytest.mark.parametrize(
    ("node_options", "flag"),
    [("", "--max-semi-space-size=2"), ("--max-semi-space-size=8", None)],
)
def test_the_node_runtime_caps_its_young_generation_unless_node_options_says(
    make_app: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, node_options: str,
    flag: str | None,
) -> None:  # fmt: skip
    monkeypatch.setenv("NODE_OPTIONS", node_options)
    app = make_app(write_project(tmp_path / "p", EXEC_ARGV_STEP), copy=False)
    exec_argv = app.get("/argv").json()["execArgv"]
    assert [a for a in exec_argv if "semi-space" in a] == ([flag] if flag else [])
