"""The parts behind the Workbench, without a host: the bounded telemetry store, the
OTLP switch, the loopback rule, the layout file, the log tail's filter, metrics."""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path
from typing import Any

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from stephost_host.errors import ProjectError
from stephost_host.http.access import api_surface
from stephost_host.metrics import HostMetrics, Snapshot
from stephost_host.otel import exporter_kind, make_sink
from stephost_host.settings import is_loopback, load_settings
from stephost_host.telemetry import RecentLogs, Span, SpanRecorder
from stephost_host.workbench.api import summarize
from stephost_host.workbench.layout import LayoutFile
from stephost_host.workbench.live import MAX_LINES_PER_BATCH, LogFilter, LogTail, _batch
from stephost_host.workbench.models import LiveLogFilter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def span(trace: str, n: int, **fields: Any) -> Span:
    values: dict[str, Any] = {
        "trace_id": trace,
        "span_id": f"{n:016x}",
        "parent_id": "",
        "name": f"span {n}",
        "step": "S",
        "language": "python",
        "kind": "event",
        "start_unix_ms": float(n),
        "duration_ms": 1.0,
    }
    values.update(fields)
    return Span(**values)


def test_the_log_store_keeps_the_newest_lines_within_its_count_and_age() -> None:
    clock = Clock()
    logs = RecentLogs(size=3, max_age_s=10, clock=clock)
    heard: list[dict[str, Any]] = []
    logs.listeners.append(heard.append)
    for i in range(5):
        logs(None, "info", {"event": f"line {i}", "trace_id": "t" if i % 2 else "u"})
    assert [line["event"] for line in logs.recent()] == ["line 2", "line 3", "line 4"]
    assert [line["event"] for line in logs.for_trace("t")] == ["line 3"]
    assert len(heard) == 5
    clock.now += 11
    logs(None, "info", {"event": "fresh"})
    assert [line["event"] for line in logs.recent()] == ["fresh"]
    logs.configure(size=1, max_age_s=10)
    assert logs.lines.maxlen == 1


def test_the_span_store_drops_whole_old_traces_beyond_its_count_and_age() -> None:
    clock = Clock()
    store = SpanRecorder(size=4, max_age_s=60, clock=clock)
    for n in range(3):
        store.record(span("a", n))
    store.record(span("b", 3))
    assert len(store) == 4 and store.trace_count == 2
    store.record(span("c", 4))  # over the count: trace "a" goes whole
    assert [t for t, _ in store.traces()] == ["c", "b"]
    assert store.for_trace("a") == []
    clock.now += 61
    assert store.traces() == [] and len(store) == 0


def test_one_trace_larger_than_the_bound_keeps_its_newest_spans() -> None:
    store = SpanRecorder(size=3, max_age_s=60, clock=Clock())
    for n in range(10):
        store.record(span("big", n))
    assert [s.start_unix_ms for s in store.for_trace("big")] == [7.0, 8.0, 9.0]
    assert len(store) == 3


def test_recorded_spans_reach_the_listeners() -> None:
    store = SpanRecorder()
    heard: list[Span] = []
    store.listeners.append(heard.append)
    store.record(span("t", 1))
    assert [s.trace_id for s in heard] == ["t"]


@pytest.mark.parametrize(
    ("setting", "env", "kind"),
    [
        ("auto", {}, "none"),
        ("auto", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "otlp"),
        ("auto", {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, "otlp"),
        ("auto", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_SDK_DISABLED": "true"}, "none"),
        (
            "auto",
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_TRACES_EXPORTER": "none"},
            "none",
        ),
        ("none", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"}, "none"),
        ("console", {}, "console"),
    ],
)
def test_otlp_is_on_when_the_standard_variables_say_so(
    setting: str, env: dict[str, str], kind: str
) -> None:
    assert exporter_kind(setting, env) == kind


def test_otlp_over_grpc_is_refused_with_what_to_do() -> None:
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
    with pytest.raises(ProjectError, match="http/protobuf"):
        make_sink("auto", "svc", env)
    assert make_sink("auto", "svc", {}) is None


def test_the_admin_listener_is_refused_off_loopback_while_the_api_may_listen_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")
    assert load_settings(tmp_path, host="0.0.0.0").host == "0.0.0.0"
    with pytest.raises(ProjectError) as refused:
        load_settings(tmp_path, admin_host="0.0.0.0")
    message = refused.value.message
    assert "\n" not in message
    assert "0.0.0.0" in message and "127.0.0.1" in message and "STEPHOST_ADMIN=false" in message
    monkeypatch.setenv("STEPHOST_ADMIN", "false")
    assert load_settings(tmp_path, admin_host="0.0.0.0").admin is False


def test_the_admin_port_is_the_api_port_plus_one_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings(tmp_path).admin_listen_port == 3112
    assert load_settings(tmp_path, port=8000).admin_listen_port == 8001
    assert load_settings(tmp_path, port=0).admin_listen_port == 0  # a free one
    assert load_settings(tmp_path, admin_port=9000).admin_listen_port == 9000
    (tmp_path / "stephost.toml").write_text('admin_port = 7000\nadmin_host = "::1"\n')
    assert (load_settings(tmp_path).admin_listen_port, load_settings(tmp_path).admin_host) == (
        7000,
        "::1",
    )
    monkeypatch.setenv("STEPHOST_ADMIN_PORT", "7100")
    assert load_settings(tmp_path).admin_listen_port == 7100


def test_the_api_surface_serves_docs_and_stream_sockets_only_of_the_admin_app() -> None:
    reached: list[str] = []

    async def admin(scope: Any, _receive: Any, _send: Any) -> None:
        reached.append(scope["path"])

    async def run(kind: str, path: str, admin_on: bool = True) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await api_surface(admin, admin_on=admin_on)({"type": kind, "path": path}, None, send)
        return sent

    assert asyncio.run(run("http", "/openapi.json")) == []
    assert asyncio.run(run("websocket", "/_stephost/streams/s/g")) == []
    assert reached == ["/openapi.json", "/_stephost/streams/s/g"]
    start, body = asyncio.run(run("http", "/_stephost/streams/s/g"))
    assert start["status"] == 404
    assert "a listener of its own" in orjson.loads(body["body"])["error"]["message"]
    assert asyncio.run(run("websocket", "/_stephost/live/logs")) == [
        {"type": "websocket.close", "code": 1008}
    ]
    start, body = asyncio.run(run("http", "/_stephost/health", admin_on=False))
    assert "admin = false" in orjson.loads(body["body"])["error"]["message"]


def test_the_layout_file_round_trips_and_reports_a_broken_file(tmp_path: Path) -> None:
    layout = LayoutFile(tmp_path)
    assert layout.read() == {"flows": {}}
    saved = {"flows": {"orders": {"CreateOrder": {"x": 10.0, "y": -4.5}}}}
    layout.write(saved)
    assert layout.read() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stephost.workbench.json"]
    layout.path.write_text("{ nope")
    with pytest.raises(ProjectError, match=r"stephost\.workbench\.json is not valid JSON"):
        layout.read()


def test_the_log_filter_passes_by_level_step_trace_and_text() -> None:
    line = {"event": "order scored", "level": "info", "step": "Score", "trace_id": "abc", "n": 7}
    assert LogFilter(LiveLogFilter()).encode(line) is not None
    assert LogFilter(LiveLogFilter(level="warn")).encode(line) is None
    assert LogFilter(LiveLogFilter(level="warn")).encode({**line, "level": "warning"})
    assert LogFilter(LiveLogFilter(step="Other")).encode(line) is None
    assert LogFilter(LiveLogFilter(trace="abc")).encode(line) is not None
    assert LogFilter(LiveLogFilter(text="SCORED")).encode(line) is not None
    assert LogFilter(LiveLogFilter(text="missing")).encode(line) is None


def test_the_log_tail_counts_what_it_dropped_and_batches_are_capped() -> None:
    tail = LogTail()
    for i in range(6000):
        tail.push({"event": str(i)})
    lines, dropped = tail.take()
    assert (len(lines), dropped) == (5000, 1000)
    assert tail.take() == ([], 0)
    flood = [{"event": f"e{i}", "level": "info", "step": "S" if i % 2 else "T"} for i in range(500)]
    chosen, skipped = LogFilter(LiveLogFilter(step="S")).newest(flood, MAX_LINES_PER_BATCH)
    assert len(chosen) == MAX_LINES_PER_BATCH and skipped == 250 - MAX_LINES_PER_BATCH
    assert orjson.loads(chosen[-1])["event"] == "e499"  # the newest are kept, in order
    assert orjson.loads(chosen[0])["event"] == f"e{499 - 2 * (MAX_LINES_PER_BATCH - 1)}"
    found, _ = LogFilter(LiveLogFilter(text="e497")).newest(flood, 5)
    assert [orjson.loads(e)["event"] for e in found] == ["e497"]
    batch = orjson.loads(_batch(chosen, 3, True))
    assert batch["reset"] is True and batch["skipped"] == 3
    assert len(batch["lines"]) == MAX_LINES_PER_BATCH


def test_a_trace_summary_names_its_entry_status_duration_and_languages() -> None:
    spans = [
        span("t", 1, name="POST /orders", step="Create", kind="api", duration_ms=10.0),
        span("t", 2, parent_id=f"{1:016x}", step="Score", start_unix_ms=5.0, duration_ms=20.0),
        span(
            "t",
            3,
            parent_id=f"{2:016x}",
            step="Reward",
            language="ruby",
            status="error",
            start_unix_ms=6.0,
        ),
    ]
    summary = summarize("t", spans)
    assert summary["entryStep"] == "Create" and summary["entryName"] == "POST /orders"
    assert summary["status"] == "error"
    assert summary["durationMs"] == 24.0
    assert summary["languages"] == ["python", "ruby"]
    assert summary["steps"] == ["Create", "Reward", "Score"]


def test_metrics_count_invocations_failures_and_responses() -> None:
    metrics = HostMetrics()
    metrics.observe(span("t", 1, kind="api", attributes={"http.status": 201}))
    metrics.observe(span("t", 2, kind="api", attributes={"refused": True}))
    metrics.observe(span("t", 3, status="error"))
    metrics.observe(span("t", 4, kind="state"))  # a host call, not an invocation
    metrics.count_response("api", 201)
    text = metrics.render(
        Snapshot(queue={"S": {"ready": 2, "leased": 1, "dead": 4}}, restarts={"ruby": 1})
    ).decode()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    api = (("language", "python"), ("step", "S"), ("trigger", "api"))
    event = (("language", "python"), ("step", "S"), ("trigger", "event"))
    assert samples[("stephost_invocations_total", api)] == 1
    assert samples[("stephost_invocations_total", event)] == 1
    assert samples[("stephost_invocation_failures_total", event)] == 1
    assert samples[("stephost_http_responses_total", (("status", "201"), ("surface", "api")))] == 1
    assert samples[("stephost_queue_depth", (("step", "S"),))] == 3
    assert samples[("stephost_dead_letters", (("step", "S"),))] == 4
    assert samples[("stephost_runtime_restarts_total", (("language", "ruby"),))] == 1
    assert (metrics.steps["S"].handled, metrics.steps["S"].failed) == (1, 1)


def test_the_built_front_end_is_served_with_the_right_caching(tmp_path: Path) -> None:
    import httpx
    from fastapi import FastAPI

    from stephost_host.workbench.assets import build_assets_router

    app = FastAPI()
    app.include_router(build_assets_router(tmp_path / "dist"))

    async def get(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://host") as client:
            return await client.get(path)

    missing = asyncio.run(get("/_stephost/ui/"))
    assert missing.status_code == 503 and "make workbench" in missing.text
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text("<html>workbench</html>")
    (tmp_path / "dist" / "assets" / "app-1a2b.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not for you")
    assert asyncio.run(get("/_stephost/ui")).status_code == 308
    script = asyncio.run(get("/_stephost/ui/assets/app-1a2b.js"))
    assert "javascript" in script.headers["content-type"]
    assert "immutable" in script.headers["cache-control"]
    for page in ("/_stephost/ui/", "/_stephost/ui/traces/abc", "/_stephost/ui/%2e%2e/secret.txt"):
        response = asyncio.run(get(page))
        assert response.text == "<html>workbench</html>", page  # the app routes it
        assert response.headers["cache-control"] == "no-cache"


def test_a_kept_log_line_costs_its_length_not_orjsons_buffer() -> None:
    logs = RecentLogs(size=1000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(1000):
            logs.keep(None, "info", {"event": "event handled", "step": "Noop", "seq": i})
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # ~60 bytes of JSON a line; orjson's own bytes would hold 4 KiB each (4 MB here).
    assert kept < 400_000
    assert logs.recent()[-1] == {"event": "event handled", "step": "Noop", "seq": 999}
