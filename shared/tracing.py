"""Traces across services (OpenTelemetry), off unless an OTLP endpoint is configured.

One trace follows a piece of work from the HTTP request through the database, the outbox,
Kafka and the consumers of other services, down to the SMTP send. The W3C trace context
travels in the CloudEvents distributed-tracing extension: `traceparent` (and `tracestate`),
in Kafka binary mode the headers `ce_traceparent` / `ce_tracestate`
(docs/decisions/0001-cloudevents-binary-mode.md). The outbox row keeps those headers, so a
relay that publishes later still continues the request's trace.

- `configure_tracing(settings)` installs the process's provider (OTLP over HTTP) when
  OTEL_EXPORTER_OTLP_ENDPOINT is set; `install_provider` is the same for a test's exporter.
- `instrument_app` / `instrument_engine` (called by shared/web/app.py and shared/db.py) add
  FastAPI's server spans and SQLAlchemy's statement spans.
- `publish_span` (outbox relay) and `consume_span` (shared/consuming.py) are the Kafka spans;
  `trace_headers` / `current_traceparent` capture the context where work is queued.

Without a provider every function returns at its first line: no spans, no headers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.trace import Link, Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared.events.envelope import TRACEPARENT_HEADER, TRACESTATE_HEADER

if TYPE_CHECKING:  # the SDK and the frameworks load only when tracing is on
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from sqlalchemy.ext.asyncio import AsyncEngine

    from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

SCOPE = "digituki"

_W3C = TraceContextTextMapPropagator()
_provider: TracerProvider | None = None


# ---- the provider -------------------------------------------------------------------------


def new_provider(
    service: str, exporter: SpanExporter, *, sample_ratio: float = 1.0
) -> TracerProvider:
    """A provider that batches spans to `exporter`; a request's sampling decision is kept
    downstream (ParentBased), so a trace is never cut in the middle."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(
        resource=Resource.create({"service.name": service, "service.namespace": "digituki"}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def configure_tracing(settings: ServiceSettings) -> TracerProvider | None:
    """The process's provider: installed once, when an OTLP endpoint is configured."""
    global _provider  # noqa: PLW0603  (one provider per process, like the OTel global)
    if _provider is None and settings.otel_exporter_otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/")
        if not endpoint.endswith("/v1/traces"):
            endpoint += "/v1/traces"  # the variable names the collector, as in the OTel spec
        _provider = new_provider(
            settings.service_name,
            OTLPSpanExporter(endpoint=endpoint),
            sample_ratio=settings.otel_traces_sample_ratio,
        )
        log.info("tracing to %s", endpoint)
    return _provider


def install_provider(provider: TracerProvider | None) -> None:
    """Use `provider` for everything created from now on (None: tracing off again)."""
    global _provider  # noqa: PLW0603
    _provider = provider


def enabled() -> bool:
    return _provider is not None


def flush() -> None:
    """Export the spans that are still batched (the provider also does so at exit)."""
    if _provider is not None:
        _provider.force_flush()


def _tracer() -> trace.Tracer:
    assert _provider is not None
    return _provider.get_tracer(SCOPE)


# ---- instrumentation of the frameworks ---------------------------------------------------


def instrument_app(app: FastAPI) -> None:
    """A server span per request (health and metrics probes excluded)."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=_provider,
        meter_provider=NoOpMeterProvider(),
        excluded_urls="healthz,readyz,metrics,_health",
        server_request_hook=_without_query,
    )


def _without_query(span: trace.Span, scope: dict[str, Any]) -> None:
    """A query string may hold personal data (a staff search by address): spans keep the
    path only, so a trace cannot keep what an erasure removed."""
    if not scope.get("query_string") or not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    for key in ("http.url", "url.full", "http.target"):
        value = attributes.get(key)
        if isinstance(value, str) and "?" in value:
            span.set_attribute(key, value.split("?", 1)[0])
    if "url.query" in attributes:
        span.set_attribute("url.query", "")


def instrument_engine(engine: AsyncEngine) -> None:
    """A client span per SQL statement of this engine."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    connections = (
        NoOpMeterProvider().get_meter(SCOPE).create_up_down_counter("db.client.connections.usage")
    )
    tracer = _provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(tracer, engine.sync_engine, connections)  # type: ignore[no-untyped-call]


# ---- the context in CloudEvents headers -----------------------------------------------------


def trace_headers() -> list[tuple[str, bytes]]:
    """The current span's context as CloudEvents extension headers ([] when there is none)."""
    if _provider is None:
        return []
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    headers = [(TRACEPARENT_HEADER, carrier["traceparent"].encode())] if carrier else []
    if "tracestate" in carrier:
        headers.append((TRACESTATE_HEADER, carrier["tracestate"].encode()))
    return headers


def current_traceparent() -> str | None:
    """The current span's `traceparent`, for a row that starts more work later."""
    headers = trace_headers()
    return headers[0][1].decode() if headers else None


def _context_of(headers: Sequence[tuple[str, bytes | str | None]] | Mapping[str, Any]) -> Any:
    """The trace context a record carries. Never raises: a header that is not UTF-8 (or has
    no value) must not stop the record before it can be applied or parked."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    carrier: dict[str, str] = {}
    for key, value in pairs:
        if key in (TRACEPARENT_HEADER, TRACESTATE_HEADER) and value is not None:
            text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
            carrier[key[3:]] = text
    return _W3C.extract(carrier)


def context_of_traceparent(traceparent: str | None) -> Any:
    return _W3C.extract({"traceparent": traceparent} if traceparent else {})


# ---- spans of our own: Kafka publish and process, SMTP send -------------------------------


def _replace_trace_headers(
    headers: Sequence[tuple[str, bytes]], new: Sequence[tuple[str, bytes]]
) -> list[tuple[str, bytes]]:
    kept = [(k, v) for k, v in headers if k not in (TRACEPARENT_HEADER, TRACESTATE_HEADER)]
    return [*kept, *new]


@contextmanager
def publish_span(
    topic: str, headers: list[tuple[str, bytes]], *, service: str
) -> Iterator[list[tuple[str, bytes]]]:
    """A producer span for one record, child of the context its outbox row kept; yields the
    headers to send, whose trace context is now this span's (the consumer's parent)."""
    if _provider is None:
        yield headers
        return
    with _tracer().start_as_current_span(
        f"publish {topic}",
        context=_context_of(headers),
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "send",
            "messaging.destination.name": topic,
            "digituki.service": service,
        },
    ):
        yield _replace_trace_headers(headers, trace_headers())


@contextmanager
def consume_span(
    topic: str,
    headers: Sequence[tuple[str, bytes | None]],
    *,
    consumer: str,
    partition: int | None = None,
    offset: int | None = None,
) -> Iterator[Span | None]:
    """A consumer span for one record, continuing the trace the record carries."""
    if _provider is None:
        yield None
        return
    attributes: dict[str, Any] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": topic,
        "messaging.consumer.group.name": consumer,
    }
    if partition is not None:
        attributes["messaging.destination.partition.id"] = str(partition)
    if offset is not None:
        attributes["messaging.kafka.offset"] = offset
    with _tracer().start_as_current_span(
        f"process {topic}",
        context=_context_of(headers),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
    ) as span:
        yield span


def note_outcome(outcome: str) -> None:
    """What became of the record being consumed (applied, duplicate, parked), on its span."""
    if _provider is not None:
        trace.get_current_span().set_attribute("digituki.consume.outcome", outcome)


@contextmanager
def consume_batch_span(
    topic: str, batch: Sequence[Sequence[tuple[str, bytes | None]]], *, consumer: str
) -> Iterator[None]:
    """One consumer span for a batch, linked to the trace of every record in it."""
    if _provider is None:
        yield
        return
    links = []
    for headers in batch:
        span_context = trace.get_current_span(_context_of(headers)).get_span_context()
        if span_context.is_valid:
            links.append(Link(span_context))
    with _tracer().start_as_current_span(
        f"process {topic}",
        context=otel_context.Context(),
        kind=SpanKind.CONSUMER,
        links=links,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.consumer.group.name": consumer,
            "messaging.batch.message_count": len(batch),
        },
    ):
        yield


def start_span(
    name: str,
    *,
    traceparent: str | None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, Any] | None = None,
) -> Span | None:
    """A span continuing `traceparent` (kept on a row), ended by the caller: for work whose
    end is seen elsewhere (the SMTP pool reports a send through a callback)."""
    if _provider is None or not traceparent:
        return None
    return _tracer().start_span(
        name, context=context_of_traceparent(traceparent), kind=kind, attributes=attributes
    )
