"""Exports the host's spans through OpenTelemetry, when configured.

The host records a span for every hop in any language (``host.telemetry.Span``);
with ``otel_exporter = "console"`` (or ``"otlp"``, which needs the
``opentelemetry-exporter-otlp-proto-http`` package) each one also goes to an
OpenTelemetry exporter, with the same trace and span ids the runtimes saw.
"""

from __future__ import annotations

import sys
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

from .errors import ProjectError
from .telemetry import Span

_KINDS = {"api": SpanKind.SERVER, "event": SpanKind.CONSUMER, "cron": SpanKind.INTERNAL}


def _exporter(kind: str) -> SpanExporter:
    if kind == "console":
        return ConsoleSpanExporter(out=sys.stderr)
    if kind == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter,
            )
        except ImportError:
            raise ProjectError(
                "otel_exporter = 'otlp' needs `pip install opentelemetry-exporter-otlp-proto-http`"
                " (it reads OTEL_EXPORTER_OTLP_ENDPOINT)"
            ) from None
        exporter: SpanExporter = OTLPSpanExporter()
        return exporter
    raise ProjectError(f"unknown otel_exporter {kind!r}; use none, console or otlp")


class OtelSink:
    """Turns recorded spans into OpenTelemetry spans and hands them to a batch exporter."""

    def __init__(self, kind: str, service_name: str) -> None:
        self._processor = BatchSpanProcessor(_exporter(kind))
        self._resource = Resource.create({"service.name": service_name})

    def export(self, span: Span) -> None:
        start_ns = int(span.start_unix_ms * 1_000_000)
        context = SpanContext(int(span.trace_id, 16), int(span.span_id, 16), False, TraceFlags(1))
        parent = (
            SpanContext(int(span.trace_id, 16), int(span.parent_id, 16), True, TraceFlags(1))
            if span.parent_id
            else None
        )
        attributes: dict[str, Any] = {
            "stephost.step": span.step,
            "stephost.language": span.language,
            **{f"stephost.{k}": v for k, v in span.attributes.items()},
        }
        self._processor.on_end(
            ReadableSpan(
                name=span.name,
                context=context,
                parent=parent,
                resource=self._resource,
                attributes=attributes,
                kind=_KINDS.get(span.kind, SpanKind.INTERNAL),
                status=Status(StatusCode.OK if span.status == "ok" else StatusCode.ERROR),
                start_time=start_ns,
                end_time=start_ns + int(span.duration_ms * 1_000_000),
            )
        )

    def shutdown(self) -> None:
        self._processor.shutdown()  # type: ignore[no-untyped-call]
