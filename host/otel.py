"""Exports the host's spans through OpenTelemetry, when configured.

The host records a span for every hop in any language, and for each call a handler
makes into the host (``host.telemetry.Span``). With ``otel_exporter = "auto"`` (the
default) they go out over OTLP/HTTP (protobuf) as soon as the standard variables say
so (``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``; headers,
timeout and compression come from the same family), with the trace and span ids the
runtimes saw. ``"otlp"`` exports even without them (to the exporter's default
endpoint, localhost:4318), ``"console"`` prints them, ``"none"`` keeps them in memory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import ProjectError
from .telemetry import Span

if TYPE_CHECKING:  # OpenTelemetry's SDK is imported only when spans are exported
    from opentelemetry.sdk.trace.export import SpanExporter

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
PROTOCOL_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")


def exporter_kind(setting: str, env: Mapping[str, str] = os.environ) -> str:
    """The exporter to use: ``setting``, with ``auto`` resolved from the environment."""
    if setting != "auto":
        return setting
    if env.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return "none"
    if env.get("OTEL_TRACES_EXPORTER", "").lower() == "none":
        return "none"
    return "otlp" if any(env.get(name) for name in ENDPOINT_VARIABLES) else "none"


def _exporter(kind: str, env: Mapping[str, str]) -> SpanExporter:
    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter(out=sys.stderr)
    if kind == "otlp":
        for name in PROTOCOL_VARIABLES:
            protocol = env.get(name, "")
            if protocol and protocol != "http/protobuf":
                raise ProjectError(
                    f"{name}={protocol} is not supported: stephost exports OTLP over HTTP; "
                    "set it to http/protobuf (or unset it) and point the endpoint at the "
                    "collector's HTTP port (4318)"
                )
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    raise ProjectError(f"unknown otel_exporter {kind!r}; use auto, none, console or otlp")


def make_sink(
    setting: str, service_name: str, env: Mapping[str, str] = os.environ
) -> OtelSink | None:
    """The sink for ``setting``, or None when spans stay in memory only."""
    kind = exporter_kind(setting, env)
    if kind == "none":
        return None
    return OtelSink(_exporter(kind, env), service_name)


class OtelSink:
    """Turns recorded spans into OpenTelemetry spans and hands them to a batch exporter."""

    def __init__(self, exporter: SpanExporter, service_name: str) -> None:
        from opentelemetry import trace
        from opentelemetry.sdk import trace as sdk_trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        self._processor = BatchSpanProcessor(exporter)
        self._resource = Resource.create({"service.name": service_name})
        self._api = trace
        self._readable = sdk_trace.ReadableSpan
        self._kinds = {
            "api": trace.SpanKind.SERVER,
            "event": trace.SpanKind.CONSUMER,
            "cron": trace.SpanKind.INTERNAL,
            "emit": trace.SpanKind.PRODUCER,
        }
        self._ok = trace.Status(trace.StatusCode.OK)

    def export(self, span: Span) -> None:
        api = self._api
        flags = api.TraceFlags(1)
        trace_id = int(span.trace_id, 16)
        start_ns = int(span.start_unix_ms * 1_000_000)
        parent = (
            api.SpanContext(trace_id, int(span.parent_id, 16), True, flags)
            if span.parent_id
            else None
        )
        attributes: dict[str, Any] = {
            "stephost.step": span.step,
            "stephost.language": span.language,
            "stephost.kind": span.kind,
            **{f"stephost.{k}": v for k, v in span.attributes.items()},
        }
        self._processor.on_end(
            self._readable(
                name=span.name,
                context=api.SpanContext(trace_id, int(span.span_id, 16), False, flags),
                parent=parent,
                resource=self._resource,
                attributes=attributes,
                kind=self._kinds.get(span.kind, api.SpanKind.INTERNAL),
                status=self._ok if span.status == "ok" else self._status_of(span),
                start_time=start_ns,
                end_time=start_ns + int(span.duration_ms * 1_000_000),
            )
        )

    def _status_of(self, span: Span) -> Any:
        api = self._api
        message = (span.error or {}).get("message") or None
        return api.Status(api.StatusCode.ERROR, message)

    def shutdown(self) -> None:
        self._processor.shutdown()  # type: ignore[no-untyped-call]
