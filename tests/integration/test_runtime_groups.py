"""Runtime groups: a group whose last runtime went away leaves its steps unavailable
(503 on their routes, messages on their topics kept in the queue), the other groups
keep serving, and the group's restarted runtime brings them back. Real host, real
Python and Node runtimes, real kill -9."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

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
