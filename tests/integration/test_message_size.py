"""A message over max_message_bytes fails alone: the call that made it gets a clear
error before anything is sent or stored, while an innocent request and an innocent event
in flight on the same runtime finish, and the runtime keeps running."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import write_project

pytestmark = pytest.mark.integration

MB = 1024 * 1024

STEPS = {
    "steps/big_step.py": """
config = {"type": "api", "name": "Big", "method": "POST", "path": "/big", "emits": ["work"]}

async def handler(req, ctx):
    await ctx.emit("work", {"id": "big", "pad": "x" * (req.body["mb"] * 1024 * 1024)})
    return {"status": 200, "body": {"sent": True}}
""",
    "steps/big_result_step.py": """
config = {"type": "api", "name": "BigResult", "method": "POST", "path": "/big-result"}

async def handler(req, ctx):
    return {"status": 200, "body": "y" * (req.body["mb"] * 1024 * 1024)}
""",
    "steps/slow_step.py": """
import asyncio

config = {"type": "api", "name": "Slow", "method": "GET", "path": "/slow"}

async def handler(req, ctx):
    await asyncio.sleep(2)
    return {"status": 200, "body": {"slow": "done"}}
""",
    "steps/work_step.py": """
import asyncio

config = {"type": "event", "name": "Work", "subscribes": ["work"], "maxAttempts": 1}

async def handler(data, ctx):
    await asyncio.sleep(2)
    await ctx.state.set("done", data["id"], True)
""",
}


def test_only_the_oversized_message_fails(
    make_app: Callable[..., StephostApp], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", STEPS), copy=False)
    (runtime,) = app.health()["runtimes"]
    slow: dict[str, Any] = {}

    def innocent_request() -> None:
        slow["response"] = httpx.get(f"{app.url}/slow", timeout=30)

    request = threading.Thread(target=innocent_request)
    request.start()
    app.emit("work", {"id": "innocent"})
    app.wait_for(lambda: app.stats()["steps"]["Work"].get("inFlight") == 1, 10, "work running")

    emitted = app.post("/big", json={"mb": 70})  # a handler's emit of 70 MB
    assert emitted.status_code == 413, emitted.text
    error = emitted.json()["error"]
    assert error["code"] == "MESSAGE_TOO_LARGE"
    assert "this emit call is" in error["message"] and "max_message_bytes" in error["message"]

    returned = app.post("/big-result", json={"mb": 20})  # a result over the 16 MiB default
    assert returned.status_code == 413
    assert "the response body is" in returned.json()["error"]["message"]

    pad = "z" * (70 * MB)  # the host's own emit (the admin API) of 70 MB
    admin = app.post("/_stephost/emit", json={"topic": "work", "data": {"id": "x", "pad": pad}})
    assert admin.status_code == 413
    assert admin.json()["error"]["code"] in ("MESSAGE_TOO_LARGE", "PAYLOAD_TOO_LARGE")

    request.join(30)
    assert slow["response"].status_code == 200
    assert slow["response"].json() == {"slow": "done"}
    app.wait_idle()
    assert app.state.get("done", "innocent") is True
    assert app.get("/_stephost/dlq").json()["items"] == []
    (after,) = app.health()["runtimes"]
    assert after["pid"] == runtime["pid"]  # never restarted
