"""Back-pressure: a step that falls behind by max_queue_depth deliveries makes emits to
its topic fail (an api step that emits answers 503 with Retry-After), and every
message accepted before is still delivered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import write_project

pytestmark = pytest.mark.integration

STEPS = {
    "steps/enqueue_step.py": """
config = {"type": "api", "name": "Enqueue", "method": "POST", "path": "/jobs", "emits": ["job"]}

async def handler(req, ctx):
    await ctx.emit("job", {"n": req.body["n"]})
    return {"status": 202, "body": {"queued": req.body["n"]}}
""",
    "steps/job_step.py": """
import asyncio

config = {"type": "event", "name": "Job", "subscribes": ["job"], "concurrency": 1}

async def handler(data, ctx):
    while not await ctx.state.get("gate", "open"):  # held until the test opens it
        await asyncio.sleep(0.05)
    await ctx.state.set("done", str(data["n"]), True)
""",
}


def test_over_the_bound_emits_fail_with_503_and_nothing_accepted_is_lost(
    make_app: Callable[..., StephostApp], tmp_path: Path
) -> None:
    app = make_app(
        write_project(tmp_path / "p", STEPS), copy=False, env={"STEPHOST_MAX_QUEUE_DEPTH": "5"}
    )
    statuses = {}
    for n in range(12):
        response = app.post("/jobs", json={"n": n})
        statuses[n] = response.status_code
        if response.status_code == 503:
            error = response.json()["error"]
            assert error["code"] == "QUEUE_FULL"
            assert "its subscriber Job has 5 deliveries waiting" in error["message"]
            assert response.headers["retry-after"] == "1"
            assert response.headers["x-trace-id"] == error["traceId"]
    accepted = [n for n, status in statuses.items() if status == 202]
    assert accepted == [0, 1, 2, 3, 4]
    assert set(statuses.values()) == {202, 503}
    refused = app.post("/_stephost/emit", json={"topic": "job", "data": {"n": 99}})
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "QUEUE_FULL"

    app.state.set("gate", "open", True)
    app.wait_idle()
    done = {int(item["key"]) for item in app.state.list("done")}
    assert done == set(accepted)  # every accepted message delivered, no refused one
    assert app.post("/jobs", json={"n": 100}).status_code == 202  # room again
