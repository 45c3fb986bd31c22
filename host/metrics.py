"""Prometheus metrics of one host, served as text at ``/_stephost/metrics``.

Counted as things happen (cheaply: one cached child per label set):
- ``stephost_invocations_total{step,language,trigger}`` and
  ``stephost_invocation_failures_total{step,language,trigger}``, from the span the host
  records for every invocation (requests the host refused before any handler ran, such
  as a body that breaks the schema, are not invocations);
- ``stephost_invocation_duration_seconds{step}``, a histogram of the same;
- ``stephost_http_responses_total{surface,status}``, every HTTP response by status,
  ``surface`` being ``api`` (the api steps) or ``admin`` (``/_stephost/``, ``/docs``).

Read when scraped: ``stephost_queue_depth{step}`` (ready, delayed and leased
deliveries), ``stephost_dead_letters{step}``, ``stephost_runtime_restarts_total{language}``
and ``stephost_runtimes{language}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .telemetry import Span

INVOCATION_KINDS = frozenset({"api", "event", "cron"})
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

disable_created_metrics()  # type: ignore[no-untyped-call]  # `*_created` series: noise here

ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


@dataclass(slots=True)
class StepCounts:
    """Finished invocations of one step (any trigger), for the Workbench's counters."""

    handled: int = 0
    failed: int = 0


@dataclass(slots=True)
class Snapshot:
    """What is read at scrape time rather than counted."""

    queue: dict[str, dict[str, int]] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    runtimes: dict[str, int] = field(default_factory=dict)


class _ScrapeCollector:
    def __init__(self) -> None:
        self.snapshot = Snapshot()

    def collect(self) -> Iterator[Metric]:
        snapshot = self.snapshot
        depth = GaugeMetricFamily(
            "stephost_queue_depth",
            "Deliveries of a step waiting or running (ready, delayed and leased)",
            labels=["step"],
        )
        dead = GaugeMetricFamily(
            "stephost_dead_letters",
            "Deliveries of a step in the dead-letter queue",
            labels=["step"],
        )
        for step, counts in sorted(snapshot.queue.items()):
            waiting = counts.get("ready", 0) + counts.get("delayed", 0) + counts.get("leased", 0)
            depth.add_metric([step], waiting)
            dead.add_metric([step], counts.get("dead", 0))
        restarts = CounterMetricFamily(
            "stephost_runtime_restarts",
            "Runtime processes that exited unexpectedly and were restarted",
            labels=["language"],
        )
        for language, count in sorted(snapshot.restarts.items()):
            restarts.add_metric([language], count)
        runtimes = GaugeMetricFamily(
            "stephost_runtimes", "Connected runtime processes", labels=["language"]
        )
        for language, count in sorted(snapshot.runtimes.items()):
            runtimes.add_metric([language], count)
        yield from (depth, dead, restarts, runtimes)


class HostMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._invocations = Counter(
            "stephost_invocations",
            "Invocations finished, per step, language and trigger",
            ["step", "language", "trigger"],
            registry=self.registry,
        )
        self._failures = Counter(
            "stephost_invocation_failures",
            "Invocations that failed, per step, language and trigger",
            ["step", "language", "trigger"],
            registry=self.registry,
        )
        self._duration = Histogram(
            "stephost_invocation_duration_seconds",
            "Time from invocation to outcome, per step",
            ["step"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._responses = Counter(
            "stephost_http_responses",
            "HTTP responses, per surface (api or admin) and status",
            ["surface", "status"],
            registry=self.registry,
        )
        self._scrape = _ScrapeCollector()
        self.registry.register(self._scrape)
        self._children: dict[tuple[str, str, str], tuple[Any, Any, Any]] = {}
        self._statuses: dict[tuple[str, int], Any] = {}
        self.steps: dict[str, StepCounts] = {}

    def observe(self, span: Span) -> None:
        """A span listener: counts every finished invocation."""
        if span.kind not in INVOCATION_KINDS or span.attributes.get("refused"):
            return  # refused requests (bad body, client gone) never reached a handler
        key = (span.step, span.language, span.kind)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self._invocations.labels(*key),
                self._failures.labels(*key),
                self._duration.labels(span.step),
            )
        invocations, failures, duration = children
        invocations.inc()
        duration.observe(span.duration_ms / 1000)
        counts = self.steps.get(span.step)
        if counts is None:
            counts = self.steps[span.step] = StepCounts()
        if span.status == "ok":
            counts.handled += 1
        else:
            failures.inc()
            counts.failed += 1

    def count_response(self, surface: str, status: int) -> None:
        child = self._statuses.get((surface, status))
        if child is None:
            child = self._statuses[(surface, status)] = self._responses.labels(surface, str(status))
        child.inc()

    def counting_responses(self, app: ASGIApp, admin_prefixes: tuple[str, ...]) -> ASGIApp:
        """``app`` wrapped so that every HTTP response is counted by status."""

        async def counted(
            scope: MutableMapping[str, Any],
            receive: Callable[[], Awaitable[Any]],
            send: Callable[[Any], Awaitable[None]],
        ) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            path: str = scope["path"]
            surface = "admin" if path.startswith(admin_prefixes) else "api"

            async def counting_send(message: Any) -> None:
                if message["type"] == "http.response.start":
                    self.count_response(surface, message["status"])
                await send(message)

            await app(scope, receive, counting_send)

        return counted

    def render(self, snapshot: Snapshot) -> bytes:
        """The Prometheus text exposition, with ``snapshot`` for the scrape-time values."""
        self._scrape.snapshot = snapshot
        return generate_latest(self.registry)
