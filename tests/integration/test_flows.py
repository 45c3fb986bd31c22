"""The host with a real Python runtime, driven over HTTP: flows, retries, DLQ, order."""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT, write_project

pytestmark = pytest.mark.integration

Start = Callable[..., StephostApp]


def test_example_api_emit_event_state(make_app: Start, backend: dict[str, str]) -> None:
    app = make_app(ROOT / "examples" / "shop", env=backend)
    response = app.post("/orders", json={"item": "book", "quantity": 3})
    assert response.status_code == 201
    order_id = response.json()["id"]
    trace_id = response.headers["x-trace-id"]
    app.wait_idle()
    order = app.state.get("orders", order_id)
    assert order["status"] == "scored"
    assert order["score"] == pytest.approx(0.5)
    assert app.state.get("notifications", order_id) == {"score": pytest.approx(0.5), "sent": True}
    assert app.get(f"/orders/{order_id}").json()["status"] == "scored"
    steps_in_trace = {line.get("step") for line in app.logs(trace_id)}
    assert {"CreateOrder", "ScoreOrder", "NotifyCustomer"} <= steps_in_trace
    spans = app.get(f"/_stephost/traces/{trace_id}").json()["spans"]
    assert {"CreateOrder", "ScoreOrder", "NotifyCustomer"} <= {s["step"] for s in spans}


FLAKY = {
    "steps/flaky_step.py": """
from stephost import Context

config = {
    "type": "event", "name": "Flaky", "subscribes": ["job"],
    "maxAttempts": 4, "backoffMs": 5,
}

async def handler(data, ctx: Context) -> None:
    if await ctx.state.get("switch", "broken"):
        raise RuntimeError(f"still broken on attempt {ctx.attempt}")
    await ctx.state.set("done", data["id"], {"attempt": ctx.attempt})
""",
}


def test_retries_exactly_max_attempts_then_dlq_then_replay(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", FLAKY), env=backend)
    app.state.set("switch", "broken", True)
    emitted = app.emit("job", {"id": "j1"})
    app.wait_idle()
    (letter,) = app.dlq()
    assert letter["attempts"] == 4
    assert letter["messageId"] == emitted["messageId"]
    assert letter["error"]["message"] == "still broken on attempt 4"
    assert letter["error"]["type"] == "RuntimeError"
    assert "flaky_step.py" in letter["error"]["stack"]
    tries = [
        line["attempt"]
        for line in app.logs(emitted["traceId"])
        if line.get("step") == "Flaky" and line["event"].startswith("event ")
    ]
    assert tries == [1, 2, 3, 4]
    assert app.state.get("done", "j1") is None

    app.state.set("switch", "broken", False)
    replay = app.post(f"/_stephost/dlq/{letter['id']}/replay")
    assert replay.status_code == 200
    app.wait_idle()
    assert app.state.get("done", "j1") == {"attempt": 1}
    assert app.dlq() == []
    assert app.post("/_stephost/dlq/999999/replay").status_code == 404


def test_dlq_delete(make_app: Start, backend: dict[str, str], tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", FLAKY), env=backend)
    app.state.set("switch", "broken", True)
    app.emit("job", {"id": "j2"})
    app.wait_idle()
    (letter,) = app.dlq()
    assert app.delete(f"/_stephost/dlq/{letter['id']}").status_code == 204
    assert app.dlq() == []
    assert app.delete(f"/_stephost/dlq/{letter['id']}").status_code == 404


NOT_RETRYABLE = {
    "steps/strict_step.py": """
from stephost import StepError

config = {"type": "event", "name": "Strict", "subscribes": ["job"], "maxAttempts": 5}

async def handler(data, ctx):
    raise StepError("card declined", code="DECLINED", retryable=False, details={"card": "x"})
""",
}


def test_non_retryable_error_goes_to_dlq_at_once(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", NOT_RETRYABLE))
    app.emit("job", {})
    app.wait_idle()
    (letter,) = app.dlq()
    assert letter["attempts"] == 1
    assert letter["error"]["code"] == "DECLINED"
    assert letter["error"]["details"] == {"card": "x"}


TIMEOUTS = {
    "steps/slow_event_step.py": """
import asyncio

config = {
    "type": "event", "name": "SlowEvent", "subscribes": ["slow"],
    "timeoutMs": 200, "maxAttempts": 2, "backoffMs": 5,
}

async def handler(data, ctx):
    await asyncio.sleep(30)
""",
    "steps/slow_api_step.py": """
import asyncio

config = {"type": "api", "name": "SlowApi", "method": "GET", "path": "/slow", "timeoutMs": 200}

async def handler(req, ctx):
    await asyncio.sleep(30)
""",
}


def test_timeouts_for_events_and_api(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", TIMEOUTS))
    response = app.get("/slow")
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "TIMEOUT"
    assert "timeoutMs=200" in response.json()["error"]["message"]
    app.emit("slow", {})
    app.wait_idle()
    (letter,) = app.dlq()
    assert letter["error"]["code"] == "TIMEOUT"
    assert letter["attempts"] == 2
    assert app.get("/_stephost/health").status_code == 200  # still serving


SYNC_CANCEL = {
    "steps/sync_wait_step.py": """
import time
from datetime import datetime, timezone

config = {"type": "api", "name": "SyncWait", "method": "GET", "path": "/sync", "timeoutMs": 300}

def handler(req, ctx):
    assert isinstance(ctx.deadline, datetime) and ctx.deadline.tzinfo is timezone.utc
    ctx.state.set("sync", "deadline", ctx.deadline.isoformat())
    while not ctx.cancelled:  # a long sync handler checks the flag
        time.sleep(0.01)
    ctx.state.set("sync", "cancelled", True)
    return {"status": 200}
""",
}


def test_a_sync_handler_sees_the_cancellation_on_its_ctx(make_app: Start, tmp_path: Path) -> None:
    from datetime import datetime

    app = make_app(write_project(tmp_path / "p", SYNC_CANCEL))
    response = app.get("/sync")
    assert response.status_code == 504
    assert app.wait_for(lambda: app.state.get("sync", "cancelled"), what="the flag seen") is True
    deadline = datetime.fromisoformat(app.state.get("sync", "deadline"))
    assert deadline.utcoffset() is not None and deadline.utcoffset().total_seconds() == 0


ORDERED = {
    "steps/ordered_step.py": """
import asyncio, random

config = {
    "type": "event", "name": "Ordered", "subscribes": ["seq"],
    "concurrency": 16, "maxAttempts": 3, "backoffMs": 5,
}

async def handler(data, ctx):
    if data["n"] == 3 and ctx.attempt == 1:
        raise RuntimeError("first try of 3 fails")
    await asyncio.sleep(random.random() / 200)
    seen = await ctx.state.get("seq", data["group"]) or []
    await ctx.state.set("seq", data["group"], seen + [data["n"]])
""",
}


def test_group_id_orders_delivery_even_with_a_retry(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", ORDERED), env=backend)
    for n in range(12):
        for group in ("a", "b"):
            app.emit("seq", {"n": n, "group": group}, groupId=group)
    app.wait_idle()
    # read-modify-write in the handler would lose updates if two ran at once
    assert app.state.get("seq", "a") == list(range(12))
    assert app.state.get("seq", "b") == list(range(12))


CRON = {
    "steps/tick_step.py": """
import time

config = {"type": "cron", "name": "Tick", "cron": "* * * * * *"}

async def handler(ctx):
    ticks = await ctx.state.get("cron", "ticks") or []
    await ctx.state.set("cron", "ticks", ticks + [time.time()])
""",
}


def test_cron_fires_every_tick(make_app: Start, backend: dict[str, str], tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", CRON), env=backend)
    ticks = app.wait_for(
        lambda: len(app.state.get("cron", "ticks") or []) >= 3 and app.state.get("cron", "ticks"),
        timeout_s=15,
        what="three cron ticks",
    )
    assert all(b > a for a, b in itertools.pairwise(ticks))

    def handled() -> list[dict[str, object]]:
        return [
            line
            for line in app.logs()
            if line.get("step") == "Tick" and line["event"] == "cron handled"
        ]

    # The third tick's state is written before its run ends and is logged as handled.
    app.wait_for(lambda: len(handled()) >= len(ticks), timeout_s=5, what="each tick logged")


BURST = {
    "steps/burst_step.py": """
import asyncio

config = {"type": "api", "name": "Burst", "method": "POST", "path": "/burst", "emits": ["work"]}

async def handler(req, ctx):
    await asyncio.gather(*(ctx.emit("work", {"i": i}) for i in range(req.body["count"])))
    return {"status": 200, "body": {"emitted": req.body["count"]}}
""",
    "steps/work_step.py": """
import asyncio

config = {"type": "event", "name": "Work", "subscribes": ["work"], "concurrency": 8}

async def handler(data, ctx):
    await asyncio.sleep(0.002)
    await ctx.state.set("work", str(data["i"]), ctx.attempt)
""",
}


def test_kill_9_runtime_mid_burst_loses_nothing(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", BURST), env=backend)
    assert app.post("/burst", json={"count": 1000}).json() == {"emitted": 1000}
    (pid,) = app.runtime_pids("python")
    app.wait_for(lambda: app.stats()["steps"]["Work"]["handled"] >= 50, what="some events handled")
    os.kill(pid, signal.SIGKILL)
    app.wait_for(
        lambda: app.runtime_pids("python") not in ([], [pid]), timeout_s=30, what="a new runtime"
    )
    app.wait_idle(timeout_s=60)
    done = app.state.list("work")
    assert sorted(int(item["key"]) for item in done) == list(range(1000))
    assert app.dlq() == []
    assert any(line["event"] == "runtime exited; restarting" for line in app.logs())


CRASHY_API = {
    "steps/wait_step.py": """
import asyncio

config = {"type": "api", "name": "Wait", "method": "GET", "path": "/wait"}

async def handler(req, ctx):
    await asyncio.sleep(float(req.query_params.get("s", "0")))
    return {"status": 200, "body": {"ok": True}}
""",
}


def test_runtime_crash_during_api_request_is_503_then_recovers(
    make_app: Start, tmp_path: Path
) -> None:
    import threading

    app = make_app(write_project(tmp_path / "p", CRASHY_API))
    (pid,) = app.runtime_pids("python")
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(app.get("/wait?s=30").status_code))
    thread.start()
    app.wait_for(lambda: app.health()["runtimes"][0]["inFlight"] == 1, what="the request in flight")
    os.kill(pid, signal.SIGKILL)
    thread.join(30)
    assert result == [503]
    # Until the restarted runtime says Hello, the route answers 503 at once.
    app.wait_for(lambda: app.health()["status"] == "ok", what="the restarted runtime")
    assert app.get("/wait").json() == {"ok": True}


IDEMPOTENT = {
    "steps/count_step.py": """
config = {"type": "event", "name": "Count", "subscribes": ["hit"]}

async def handler(data, ctx):
    n = await ctx.state.get("hits", "n") or 0
    await ctx.state.set("hits", "n", n + 1)
""",
}


def test_idempotency_key_and_delay(
    make_app: Start, backend: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(write_project(tmp_path / "p", IDEMPOTENT), env=backend)
    first = app.emit("hit", {}, idempotencyKey="order-1")
    second = app.emit("hit", {}, idempotencyKey="order-1")
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    app.wait_idle()
    assert app.state.get("hits", "n") == 1
    app.emit("hit", {}, delayMs=400)
    assert app.stats()["steps"]["Count"]["delayed"] == 1
    app.wait_idle()
    assert app.state.get("hits", "n") == 2


def test_emit_to_unknown_topic_is_refused(make_app: Start, tmp_path: Path) -> None:
    app = make_app(write_project(tmp_path / "p", IDEMPOTENT))
    response = app.post("/_stephost/emit", json={"topic": "nobody.listens", "data": {}})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "UNKNOWN_TOPIC"
    assert "hit" in response.json()["error"]["message"]
    response = app.post("/_stephost/emit", json={"data": {}})
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["path"] == "/topic"


def test_spans_go_to_an_opentelemetry_exporter(make_app: Start, tmp_path: Path) -> None:
    app = make_app(ROOT / "examples" / "shop", env={"STEPHOST_OTEL_EXPORTER": "console"})
    response = app.post("/orders", json={"item": "lamp", "quantity": 1})
    trace_id = response.headers["x-trace-id"]
    app.wait_idle()
    app.stop()  # flushes the batch exporter
    output = "\n".join(app.raw_output)
    assert output.count(f'"trace_id": "0x{trace_id}"') >= 3  # api, ScoreOrder, NotifyCustomer
    assert '"name": "POST /orders"' in output


LIMITED = {
    "steps/limited_step.py": """
import asyncio

config = {"type": "event", "name": "Limited", "subscribes": ["job"], "concurrency": 2}
running = 0

async def handler(data, ctx):
    global running
    running += 1
    peak = await ctx.state.get("peak", "events") or 0
    await ctx.state.set("peak", "events", max(peak, running))
    await asyncio.sleep(0.05)
    running -= 1
""",
    "steps/limited_api_step.py": """
import asyncio

config = {"type": "api", "name": "LimitedApi", "method": "GET", "path": "/slow", "concurrency": 1}
running = 0

async def handler(req, ctx):
    global running
    running += 1
    peak = running
    await asyncio.sleep(0.05)
    running -= 1
    print(f"LimitedApi peak {peak}")  # folded into the host's log
    return {"status": 200, "body": {"peak": peak}}
""",
}


def test_concurrency_limits_and_runtime_output_in_the_host_log(
    make_app: Start, tmp_path: Path
) -> None:
    import threading

    app = make_app(write_project(tmp_path / "p", LIMITED), copy=False)
    for i in range(12):
        app.emit("job", {"i": i})
    peaks: list[int] = []
    threads = [
        threading.Thread(target=lambda: peaks.append(app.get("/slow").json()["peak"]))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.wait_idle()
    assert app.state.get("peak", "events") == 2  # never more than concurrency
    assert peaks == [1, 1, 1, 1, 1]
    printed = [line for line in app.logs() if line["event"] == "LimitedApi peak 1"]
    assert len(printed) == 5
    assert all(line["runtime"] == "python" and line["stream"] == "stdout" for line in printed)
