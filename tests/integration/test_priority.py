"""Priority, counted through a real host and a real Python runtime on each backend: a
subscriber of concurrency 1 is held while messages of three priorities queue up; once
it is let go, the order it handled them in is the order priority promises."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import write_project

pytestmark = pytest.mark.integration

STEPS = {
    "steps/job_step.py": """
import asyncio

config = {
    "type": "event", "name": "Job", "subscribes": ["job"], "concurrency": 1,
    "priority": 2,  # of the messages whose emit gives none
}

async def handler(data, ctx):
    if data["n"] == "blocker":
        await ctx.state.set("gate", "started", True)
        while not await ctx.state.get("gate", "open"):  # held until the test opens it
            await asyncio.sleep(0.02)
    order = await ctx.state.get("order", "handled") or []  # concurrency 1: no race
    await ctx.state.set("order", "handled", order + [data["n"]])
""",
}


def test_higher_priorities_run_first_and_fifo_within_one(
    make_app: Callable[..., StephostApp], tmp_path: Path, backend: dict[str, str]
) -> None:
    app = make_app(write_project(tmp_path / "p", STEPS), copy=False, env=backend)
    app.emit("job", {"n": "blocker"})
    app.wait_for(lambda: app.state.get("gate", "started"), what="the blocker to start")
    for i in range(3):  # bulk work, below the step's default
        app.emit("job", {"n": f"low{i}"}, priority=0)
    for i in range(3):  # the step's default priority (2)
        app.emit("job", {"n": f"default{i}"})
    urgent = [app.emit("job", {"n": f"high{i}"}, priority=9) for i in range(3)]
    app.state.set("gate", "open", True)
    app.wait_idle()
    assert app.state.get("order", "handled") == [
        "blocker",
        *(f"high{i}" for i in range(3)),
        *(f"default{i}" for i in range(3)),
        *(f"low{i}" for i in range(3)),
    ]
    messages = app.get("/_stephost/messages", params={"topic": "job"}).json()["items"]
    by_id = {m["messageId"]: m["priority"] for m in messages}
    assert [by_id[u["messageId"]] for u in urgent] == [9, 9, 9]
    assert [m["priority"] for m in messages] == [None, 0, 0, 0, None, None, None, 9, 9, 9]


def test_a_bad_priority_is_refused_with_the_field_named(
    make_app: Callable[..., StephostApp], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", STEPS), copy=False)
    for bad in (10, -1, "high", True, 1.5):
        response = app.post("/_stephost/emit", json={"topic": "job", "data": {}, "priority": bad})
        assert response.status_code == 400, bad
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_FAILED" and error["errors"][0]["path"] == "/priority"
    assert app.get("/_stephost/messages", params={"topic": "job"}).json()["items"] == []
