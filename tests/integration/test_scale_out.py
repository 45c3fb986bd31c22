"""Several hosts on one Redis serving one project: requests to either succeed, every
event is handled once, and stream updates reach WebSocket clients of every host."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import run_cli, write_project
from tests.ports import free_port

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
    (project / "stephost.toml").write_text(f'backend = "{redis_url}"\n')  # no env needed
    first = make_app(project, copy=False)
    second = make_app(project, copy=False)
    assert any(line.get("backend", "").startswith("redis ") for line in first.logs())

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


WORKER_PROJECT = {
    **PROJECT,
    "steps/whoami_step.py": """
import os

config = {"type": "api", "name": "WhoAmI", "method": "GET", "path": "/whoami"}

async def handler(req, ctx):
    return {"status": 200, "body": {"pid": os.getpid()}}
""",
}


def test_workers_share_one_port_and_one_redis(
    make_app: Start, redis_url: str, tmp_path: Path
) -> None:
    import httpx

    project = write_project(tmp_path / "p", WORKER_PROJECT)
    app = make_app(
        project, copy=False, env={"STEPHOST_BACKEND_URL": redis_url}, args=("--workers", "2")
    )
    app.wait_for(
        lambda: sum(line.get("event") == "stephost is serving" for line in app.lines) == 2,
        what="both workers to serve",
    )
    # A new connection each time: the kernel spreads connections over the workers.
    pids = {httpx.get(f"{app.url}/whoami").json()["pid"] for _ in range(40)}
    assert len(pids) == 2  # each worker answers, from its own Python runtime

    for i in range(ORDERS):
        assert httpx.post(f"{app.url}/orders/o{i}").status_code == 202
    app.wait_idle()
    handled = Counter(_handled(app))
    assert len(handled) == ORDERS
    assert [m for m, n in handled.items() if n > 1] == []
    assert app.stop() == 0  # SIGTERM to the parent stops both workers cleanly


def test_more_than_one_worker_on_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", PROJECT)
    result = run_cli("start", "--port", "0", "--workers", "3", cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: 3 workers need a shared backend, and SQLite serves one host process"
    )


CRON_PROJECT = {
    "steps/tick_step.py": """
config = {"type": "cron", "name": "Tick", "cron": "* * * * * *"}

async def handler(ctx):
    pass
""",
}


def test_a_cron_tick_at_one_second_fires_once_across_three_hosts(
    make_app: Start, redis_url: str, tmp_path: Path
) -> None:
    project = write_project(tmp_path / "p", CRON_PROJECT)
    hosts = [make_app(project, copy=False, env={"STEPHOST_BACKEND_URL": redis_url}) for _ in "abc"]

    def fired() -> list[float]:
        return [
            line["tick"]
            for app in hosts
            for line in app.logs()
            if line.get("event") == "cron tick" and line.get("step") == "Tick"
        ]

    hosts[0].wait_for(lambda: len(fired()) >= 5, what="five cron ticks")
    ticks = fired()
    assert len(ticks) == len(set(ticks)), f"a tick fired on more than one host: {sorted(ticks)}"
    first = min(ticks)
    assert sorted(ticks)[:5] == [first + n for n in range(5)]  # and none was skipped


BURST_PROJECT = {
    "steps/burst_step.py": """
import asyncio

config = {"type": "api", "name": "Burst", "method": "POST", "path": "/burst",
          "emits": ["tally"]}

async def handler(req, ctx):
    await asyncio.gather(*(ctx.emit("tally", {"i": i}) for i in range(req.body["n"])))
    return {"status": 202, "body": None}
""",
    "steps/tally_step.py": """
config = {"type": "event", "name": "Tally", "subscribes": ["tally"], "concurrency": 16}

async def handler(data, ctx):
    await ctx.state.set("tally", str(data["i"]), True)
""",
}
BURST = 5000


def test_kill_9_of_one_of_two_hosts_mid_burst_loses_no_event(
    make_app: Start, redis_url: str, tmp_path: Path
) -> None:
    import signal

    project = write_project(tmp_path / "p", BURST_PROJECT)
    env = {"STEPHOST_BACKEND_URL": redis_url}
    # A fixed api port: the restarted host is the same host (its consumer name). The
    # admin listener takes any free port, not port + 1, which may be taken meanwhile.
    port = str(free_port())
    survivor = make_app(project, copy=False, env=env)
    victim = make_app(project, copy=False, env=env, args=("--port", port, "--admin-port", "0"))

    def tallied(app: StephostApp) -> list[str]:
        return [
            line["message_id"]
            for line in app.logs()
            if line.get("event") == "event handled" and line.get("step") == "Tally"
        ]

    assert survivor.post("/burst", json={"n": BURST}).status_code == 202
    victim.wait_for(lambda: len(tallied(victim)) >= 300, what="the victim to take a share")
    victim.stop(signal.SIGKILL)  # the host and its runtimes, mid-burst
    restarted = make_app(project, copy=False, env=env, args=("--port", port, "--admin-port", "0"))
    for app in (survivor, restarted):
        app.wait_idle(timeout_s=120)

    assert len(survivor.state.list("tally")) == BURST  # every event handled
    handled = Counter(tallied(survivor) + tallied(victim) + tallied(restarted))
    duplicates = sum(handled.values()) - len(handled)
    print(f"{BURST} events, {duplicates} handled twice after the kill -9")
    assert len(handled) == BURST
    assert duplicates <= 16 * 2  # at most what the victim held (its leases, its unsent acks)


def test_redis_stopped_mid_burst_is_a_503_and_loses_nothing_acknowledged(
    make_app: Start, tmp_path: Path
) -> None:
    import httpx

    from tests.redis_server import RedisServer, missing_redis

    if missing_redis():
        pytest.skip(str(missing_redis()))
    # Its own server, with the append-only file (fsync always): it is stopped and started.
    server = RedisServer(tmp_path / "redis", persistent=True).start()
    try:
        project = write_project(tmp_path / "p", PROJECT)
        app = make_app(project, copy=False, env={"STEPHOST_BACKEND_URL": server.url})
        accepted: list[str] = []

        def order(i: int) -> httpx.Response:
            response = app.post(f"/orders/o{i}")
            if response.status_code == 202:
                accepted.append(f"o{i}")
            return response

        assert all(order(i).status_code == 202 for i in range(50))
        server.stop()
        refused = [order(i) for i in range(50, 70)]
        assert [r.status_code for r in refused] == [503] * 20  # neither a hang nor a 500
        assert refused[0].json()["error"]["code"] == "STORAGE_UNAVAILABLE"
        server.start()
        assert all(order(i).status_code == 202 for i in range(70, 120))
        app.wait_idle(timeout_s=60)
        counted = {item["key"] for item in app.state.list("counted")}
        assert counted == set(accepted)  # every acknowledged order was handled
        assert len(accepted) == 100
    finally:
        server.stop()


WORKER_BURST_PROJECT = {
    **BURST_PROJECT,
    "steps/host_pid_step.py": """
import os

config = {"type": "api", "name": "HostPid", "method": "GET", "path": "/host-pid"}

async def handler(req, ctx):
    return {"status": 200, "body": {"pid": os.getppid()}}  # the worker host's pid
""",
}


def _parent_pid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("PPid:")).split()[1])


def test_a_worker_killed_mid_burst_is_started_again_and_loses_no_event(
    make_app: Start, redis_url: str, tmp_path: Path
) -> None:
    import os
    import signal

    import httpx

    project = write_project(tmp_path / "p", WORKER_BURST_PROJECT)
    app = make_app(
        project, copy=False, env={"STEPHOST_BACKEND_URL": redis_url}, args=("--workers", "2")
    )

    def serving() -> int:
        return sum(line.get("event") == "stephost is serving" for line in app.logs())

    def worker_pids() -> set[int]:
        return {httpx.get(f"{app.url}/host-pid").json()["pid"] for _ in range(40)}

    def tallied() -> list[str]:
        return [
            line["message_id"]
            for line in app.logs()
            if line.get("event") == "event handled" and line.get("step") == "Tally"
        ]

    app.wait_for(lambda: serving() == 2, what="both workers to serve")
    before = worker_pids()
    assert len(before) == 2
    # The victim: a worker that does not serve the admin listener, so wait_idle keeps
    # asking the same one (the restarted worker is started with the same settings).
    runtime_pid = app.get("/_stephost/health").json()["runtimes"][0]["pid"]
    victim = next(iter(before - {_parent_pid(runtime_pid)}))
    assert httpx.post(f"{app.url}/burst", json={"n": BURST}).status_code == 202
    app.wait_for(lambda: len(tallied()) >= 300, what="the burst to be under way")
    os.kill(victim, signal.SIGKILL)  # the worker host, mid-burst; its runtimes follow it

    app.wait_for(lambda: serving() == 3, timeout_s=60, what="the worker to be started again")
    restarts = [
        line for line in app.logs() if line.get("event") == "worker exited; starting it again"
    ]
    assert len(restarts) == 1 and restarts[0]["status"] == -signal.SIGKILL
    app.wait_idle(timeout_s=120)
    after = worker_pids()
    assert len(after) == 2 and victim not in after  # two workers serve again, one new

    assert len(app.state.list("tally")) == BURST  # every event handled
    handled = Counter(tallied())
    duplicates = sum(handled.values()) - len(handled)
    print(f"{BURST} events, {duplicates} handled twice after kill -9 of a worker")
    assert len(handled) == BURST
    assert duplicates <= 16 * 2  # at most what the victim held
    assert app.stop() == 0
