"""Several hosts on one Redis serving one project: requests to either succeed, every
event is handled once, and stream updates reach WebSocket clients of every host."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import write_project

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]

PROJECT = {
    "steps/order_step.py": """
config = {"type": "api", "name": "Order", "method": "POST", "path": "/orders/:id",
          "emits": ["order.placed"]}

async def handler(req, ctx):
    await ctx.emit("order.placed", {"id": req.path_params["id"]})
    return {"status": 202, "body": {"id": req.path_params["id"]}}
""",
    "steps/count_step.py": """
config = {"type": "event", "name": "Count", "subscribes": ["order.placed"], "concurrency": 8}

async def handler(data, ctx):
    await ctx.state.set("counted", data["id"], True)
""",
    "steps/progress_step.py": """
config = {"type": "api", "name": "Progress", "method": "POST", "path": "/progress/:job"}

async def handler(req, ctx):
    await ctx.streams.set("progress", req.path_params["job"], "state", req.body)
    return {"status": 202, "body": None}
""",
}

ORDERS = 200


def _handled(app: StephostApp) -> list[str]:
    return [
        line["message_id"]
        for line in app.logs()
        if line.get("event") == "event handled" and line.get("step") == "Count"
    ]


def test_two_hosts_on_one_redis_share_one_project(
    make_app: Start, redis_url: str, tmp_path: Path
) -> None:
    from websockets.sync.client import connect

    project = write_project(tmp_path / "p", PROJECT)
    env = {"STEPHOST_BACKEND_URL": redis_url}
    first = make_app(project, copy=False, env=env)
    second = make_app(project, copy=False, env=env)

    for i in range(ORDERS):
        app = (first, second)[i % 2]
        assert app.post(f"/orders/o{i}").status_code == 202
    for app in (first, second):
        app.wait_idle()
    counted = first.state.list("counted")
    assert sorted(item["key"] for item in counted) == sorted(f"o{i}" for i in range(ORDERS))
    handled = Counter(_handled(first) + _handled(second))
    assert len(handled) == ORDERS
    assert [m for m, n in handled.items() if n > 1] == []  # each handled exactly once
    assert _handled(first) and _handled(second)  # and both hosts took a share

    # A stream update made on one host reaches a WebSocket client of the other.
    url = second.url.replace("http://", "ws://") + "/_stephost/streams/progress/j1"
    with connect(url) as ws:
        assert orjson.loads(ws.recv(timeout=5)) == {"type": "snapshot", "items": []}
        first.post("/progress/j1", json={"percent": 50})
        update = orjson.loads(ws.recv(timeout=5))
    assert update == {"type": "set", "id": "state", "value": {"percent": 50}}
