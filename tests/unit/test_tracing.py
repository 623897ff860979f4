"""shared/tracing.py without Kafka or PostgreSQL: off by default, and the context it carries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared import tracing
from shared.events.contacts import SegmentV1
from shared.events.envelope import CloudEvent, new_event
from shared.outbox.writer import _with_trace
from shared.settings import ServiceSettings


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = tracing.new_provider("unit", exporter)
    tracing.install_provider(provider)
    try:
        yield exporter
    finally:
        tracing.install_provider(None)
        provider.shutdown()


def finished(exporter: InMemorySpanExporter) -> tuple[ReadableSpan, ...]:
    tracing.flush()
    return exporter.get_finished_spans()


def traceparent_of(headers: list[tuple[str, bytes]]) -> str:
    return dict(headers)[tracing.TRACEPARENT_HEADER].decode()


def test_without_an_endpoint_tracing_stays_off_and_adds_nothing() -> None:
    off = ServiceSettings(environment="development", otel_exporter_otlp_endpoint="")
    assert tracing.configure_tracing(off) is None
    assert not tracing.enabled()
    assert tracing.trace_headers() == []
    assert tracing.current_traceparent() is None
    headers = [("ce_id", b"1"), (tracing.TRACEPARENT_HEADER, b"00-kept-as-it-was")]
    with tracing.publish_span("t", headers, service="s") as sent:
        assert sent is headers
    with tracing.consume_span("t", headers, consumer="c") as span:
        assert span is None
    assert tracing.start_span("smtp send", traceparent="00-x") is None


def test_an_endpoint_in_the_settings_installs_an_otlp_provider() -> None:
    settings = ServiceSettings(
        environment="development", otel_exporter_otlp_endpoint="http://collector.invalid:4318"
    )
    provider = tracing.configure_tracing(settings)
    try:
        assert isinstance(provider, TracerProvider)
        assert tracing.enabled()
        assert provider.resource.attributes["service.name"] == "service"
        assert tracing.configure_tracing(settings) is provider  # once per process
    finally:
        tracing.install_provider(None)
        if provider is not None:
            provider.shutdown()


def test_the_traceparent_header_round_trips_through_the_envelope() -> None:
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    event = new_event(source="/t", data=SegmentV1.model_construct()).model_copy(
        update={"traceparent": parent, "tracestate": "a=1"}
    )
    headers = event.to_headers()
    assert (tracing.TRACEPARENT_HEADER, parent.encode()) in headers
    assert (tracing.TRACESTATE_HEADER, b"a=1") in headers
    again = CloudEvent.from_kafka(headers, event.value_bytes())
    assert (again.traceparent, again.tracestate) == (parent, "a=1")


def test_queued_events_take_the_current_span_unless_they_carry_their_own(
    exporter: InMemorySpanExporter,
) -> None:
    tracer = tracing._tracer()
    with tracer.start_as_current_span("request") as span:
        current = tracing.trace_headers()
    own = [("ce_id", b"1"), (tracing.TRACEPARENT_HEADER, b"00-own")]
    assert _with_trace(own, current) == own
    plain = [("ce_id", b"1")]
    added = _with_trace(plain, current)
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert traceparent_of(added).split("-")[1] == trace_id
    assert _with_trace(plain, []) == plain


def test_publish_and_consume_spans_chain_through_the_headers(
    exporter: InMemorySpanExporter,
) -> None:
    with tracing._tracer().start_as_current_span("request"):
        row_headers = [("ce_id", b"1"), *tracing.trace_headers()]
    with tracing.publish_span("topic.v1", row_headers, service="contacts") as sent:
        pass
    assert traceparent_of(sent) != traceparent_of(row_headers)  # now the producer span's
    assert [k for k, _ in sent].count(tracing.TRACEPARENT_HEADER) == 1
    with tracing.consume_span("topic.v1", sent, consumer="g", partition=2, offset=7):
        later = tracing.start_span("smtp send", traceparent=tracing.current_traceparent())
        tracing.note_outcome("applied")
    assert later is not None
    later.end()
    request, publish, process, send = (
        {s.name: s for s in finished(exporter)}[n]
        for n in ("request", "publish topic.v1", "process topic.v1", "smtp send")
    )
    assert publish.kind == SpanKind.PRODUCER and process.kind == SpanKind.CONSUMER
    assert process.attributes is not None
    assert process.attributes["digituki.consume.outcome"] == "applied"
    assert process.attributes["messaging.kafka.offset"] == 7
    assert publish.parent is not None and publish.parent.span_id == request.context.span_id
    assert process.parent is not None and process.parent.span_id == publish.context.span_id
    assert send.parent is not None and send.parent.span_id == process.context.span_id
    assert len({s.context.trace_id for s in (request, publish, process, send)}) == 1


def test_a_batch_span_links_every_traced_record(exporter: InMemorySpanExporter) -> None:
    batch = []
    for _ in range(3):
        with tracing._tracer().start_as_current_span("origin"):
            batch.append(tracing.trace_headers())
    batch.append([])  # an untraced record adds no link
    with tracing.consume_batch_span("topic.v1", batch, consumer="g"):
        pass
    (span,) = [s for s in finished(exporter) if s.name == "process topic.v1"]
    assert span.parent is None
    assert len(span.links) == 3
