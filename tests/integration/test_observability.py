"""What the host tells operators: OTLP spans, Prometheus metrics, a bounded trace store,
and an admin API that matches its own OpenAPI description. Real hosts, real runtimes."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from prometheus_client.parser import text_string_to_metric_families

from stephost_host.testing import StephostApp
from tests.conftest import ROOT, write_project
from tests.toolchains import missing_toolchain

pytestmark = pytest.mark.integration
SHOP = ROOT / "examples" / "shop"


def _needs_every_toolchain() -> None:
    for language in ("node", "ruby"):
        reason = missing_toolchain(language)
        if reason:
            pytest.skip(reason)


class OtlpReceiver:
    """An OTLP/HTTP endpoint that decodes every export it gets (protobuf)."""

    def __init__(self) -> None:
        self.spans: list[tuple[dict[str, str], Any]] = []
        self.content_types: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.content_types.add(self.headers["content-type"])
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    resource = {
                        a.key: a.value.string_value for a in resource_spans.resource.attributes
                    }
                    for scope_spans in resource_spans.scope_spans:
                        receiver.spans.extend((resource, s) for s in scope_spans.spans)
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    started = OtlpReceiver()
    yield started
    started.close()


def test_spans_of_a_cross_language_request_arrive_over_otlp_with_one_trace_and_correct_parents(
    receiver: OtlpReceiver, tmp_path: Path
) -> None:
    _needs_every_toolchain()
    project = tmp_path / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".stephost"))
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "50"}
    with StephostApp(project, env=env) as app:
        response = app.post("/orders", json={"item": "globe", "quantity": 2})
        trace_id = response.headers["x-trace-id"]
        app.wait_idle()
        hops = {"CreateOrder", "ScoreOrder", "NotifyCustomer", "AuditOrder", "RewardOrder"}

        def arrived() -> list[tuple[dict[str, str], Any]]:
            mine = [(r, s) for r, s in receiver.spans if s.trace_id.hex() == trace_id]
            invoked = {
                _attributes(s)["stephost.step"]
                for _r, s in mine
                if _attributes(s)["stephost.kind"] in ("api", "event")
            }
            return mine if hops <= invoked else []

        spans = app.wait_for(arrived, 30, "the request's spans at the OTLP receiver")
    assert receiver.content_types == {"application/x-protobuf"}
    assert {resource["service.name"] for resource, _s in spans} == {"shop"}
    by_id = {s.span_id: s for _r, s in spans}
    invocation = {
        _attributes(s)["stephost.step"]: s
        for s in by_id.values()
        if _attributes(s)["stephost.kind"] in ("api", "event")
    }
    assert set(invocation) == hops
    assert {_attributes(s)["stephost.language"] for s in invocation.values()} == {
        "python",
        "node",
        "ruby",
    }
    # The request is the root; each event hangs under the invocation that emitted it;
    # each call into the host (emit, state) under the invocation that made it.
    assert invocation["CreateOrder"].parent_span_id == b""
    assert invocation["ScoreOrder"].parent_span_id == invocation["CreateOrder"].span_id
    for step in ("NotifyCustomer", "AuditOrder", "RewardOrder"):
        assert invocation[step].parent_span_id == invocation["ScoreOrder"].span_id
    calls = [s for s in by_id.values() if _attributes(s)["stephost.kind"] in ("emit", "state")]
    assert {s.name.split()[0] for s in calls} >= {"emit", "state.set", "state.get"}
    for call in calls:
        parent = by_id[call.parent_span_id]
        assert _attributes(parent)["stephost.step"] == _attributes(call)["stephost.step"]
        assert parent.start_time_unix_nano <= call.start_time_unix_nano


def _attributes(span: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attribute in span.attributes:
        value = attribute.value
        out[attribute.key] = getattr(value, value.WhichOneof("value"))
    return out


def _samples(app: StephostApp) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = app.get("/_stephost/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_parse_and_count_the_requests_made(tmp_path: Path) -> None:
    _needs_every_toolchain()
    project = tmp_path / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".stephost"))
    with StephostApp(project) as app:
        app.wait_idle()
        app.post("/_stephost/cron/OrderReport/pause").raise_for_status()  # no tick meanwhile
        before = _samples(app)
        for i in range(3):
            assert app.post("/orders", json={"item": f"cup{i}", "quantity": 1}).status_code == 201
        for _ in range(2):
            assert app.post("/orders", json={"item": ""}).status_code == 400
        assert app.get("/nowhere").status_code == 404
        app.state.set("orders", "no-quantity", {"id": "no-quantity", "item": "x"})
        app.emit("order.scored", {"id": "no-quantity", "score": 0.5})  # RewardOrder fails
        app.wait_for(lambda: app.dlq("RewardOrder"), 30, "the dead letter")
        app.wait_idle()
        after = _samples(app)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    api = {"language": "python", "step": "CreateOrder", "trigger": "api"}
    assert delta("stephost_invocations_total", **api) == 3  # a 400 never reaches a handler
    assert delta("stephost_invocation_failures_total", **api) == 0
    assert delta("stephost_invocation_duration_seconds_count", step="CreateOrder") == 3
    assert delta("stephost_http_responses_total", surface="api", status="201") == 3
    assert delta("stephost_http_responses_total", surface="api", status="400") == 2
    assert delta("stephost_http_responses_total", surface="api", status="404") == 1
    score = {"language": "python", "step": "ScoreOrder", "trigger": "event"}
    assert delta("stephost_invocations_total", **score) == 3
    reward = {"language": "ruby", "step": "RewardOrder", "trigger": "event"}
    assert delta("stephost_invocations_total", **reward) == 4 + 2  # 4 orders, 2 retries
    assert delta("stephost_invocation_failures_total", **reward) == 3
    assert _value(after, "stephost_dead_letters", step="RewardOrder") == 1
    assert _value(after, "stephost_queue_depth", step="RewardOrder") == 0
    assert _value(after, "stephost_runtimes", language="ruby") == 1
    assert _value(after, "stephost_runtime_restarts_total", language="ruby") == 0


BURST_PROJECT = {
    "steps/burst_step.py": """
import asyncio

config = {"type": "api", "name": "Burst", "method": "POST", "path": "/burst",
          "emits": ["tick"], "timeoutMs": 600_000}

async def handler(req, ctx):
    count = req.body["count"]
    await asyncio.gather(*(ctx.emit("tick", {"i": i}) for i in range(count)))
    return {"status": 200, "body": {"emitted": count}}
""",
    "steps/tick_step.py": """
config = {"type": "event", "name": "Tick", "subscribes": ["tick"], "concurrency": 200}

async def handler(data, ctx):
    ctx.logger.info("tick", i=data["i"])
""",
}


def test_the_trace_and_log_store_stays_within_its_bounds_after_100000_invocations(
    tmp_path: Path,
) -> None:
    project = write_project(tmp_path / "burst", BURST_PROJECT)
    env = {
        "STEPHOST_RETENTION__SPANS": "5000",
        "STEPHOST_RETENTION__LOGS": "3000",
        "STEPHOST_RETENTION__MESSAGES": "2000",
        "STEPHOST_LOG_LEVEL": "info",
    }
    with StephostApp(project, env=env) as app:
        for _ in range(10):
            response = app.post("/burst", json={"count": 10_000}, timeout=600)
            assert response.json() == {"emitted": 10_000}
        app.wait_idle(timeout_s=600)
        store = app.get("/_stephost/telemetry").json()
        handled = app.get("/_stephost/counters").json()["steps"]["Tick"]["handled"]
        assert handled == 100_000
        assert (store["maxSpans"], store["maxLogs"]) == (5000, 3000)
        assert 0 < store["spans"] <= 5000
        assert 0 < store["logs"] <= 3000
        # The emitted messages kept: the newest 2,000, the last burst's last ones.
        assert (store["messages"], store["maxMessages"]) == (2000, 2000)
        assert store["messageBytes"] == sum(len(b'{"i":%d}' % i) for i in range(8000, 10_000))
        kept = app.captured("tick")
        assert [m["i"] for m in kept] == list(range(8000, 10_000))
        # What is kept is the newest: the last burst's trace is there, the first ones went.
        traces = app.get("/_stephost/traces", params={"limit": 100_000}).json()["items"]
        assert len(traces) == store["traces"] <= 10
        assert app.get("/_stephost/traces", params={"step": "Tick"}).json()["items"]
