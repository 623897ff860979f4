"""One trace from a `/join` POST to the SMTP send, across contacts, Kafka and newsletter.

Everything is real except the processes: contacts' web app and outbox relay, Kafka, the
newsletter's FastStream subscriber and delivery worker run in this process, against their
own databases and topics of their own (no other test's consumer sees them), with an
in-memory span exporter in place of the OTLP one.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from contacts.app import create_app
from contacts.settings import ContactsSettings
from contacts.tables import outbox as contacts_outbox
from newsletter.delivery.worker import DeliveryWorker
from newsletter.settings import NewsletterSettings
from newsletter.tables import deliveries
from newsletter.worker import build_broker
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from shared import tracing
from shared.db import make_engine
from shared.events.topics import MAIL_REQUESTED
from shared.kafka import ensure_topics
from shared.outbox.relay import OutboxRelay, RelayConfig, make_producer
from tests.support.infra import Infra
from tests.support.polling import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
def spans() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = tracing.new_provider("digituki-tests", exporter)
    tracing.install_provider(provider)
    try:
        yield provider, exporter
    finally:
        tracing.install_provider(None)
        provider.shutdown()


def join_form(email: str) -> dict[str, Any]:
    return {
        "email": email,
        "first_name": "Aino",
        "last_name": "Virtanen",
        "organisation": "Kirjasto Testilä",
        "organisation_type": "library",
        "municipality": "179",
        "topics": ["webinaarit"],
        "language": "fi",
        "membership": "yes",
        "consent": "yes",
        "website": "",
    }


def ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[ReadableSpan]:
    chain = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        chain.append(span)
    return chain


def named(found: Sequence[ReadableSpan], prefix: str, kind: SpanKind) -> list[ReadableSpan]:
    return [s for s in found if s.name.startswith(prefix) and s.kind == kind]


async def test_one_trace_runs_from_the_join_post_to_the_smtp_send(
    spans: tuple[TracerProvider, InMemorySpanExporter],
    own_databases: dict[str, str],
    infra: Infra,
) -> None:
    provider, exporter = spans
    prefix = f"trace{uuid.uuid4().hex[:6]}."
    await ensure_topics(infra.kafka, prefix)
    contacts_settings = ContactsSettings(
        database_url=own_databases["contacts"], kafka_topic_prefix=prefix
    )
    newsletter_settings = NewsletterSettings(
        database_url=own_databases["newsletter"], kafka_topic_prefix=prefix
    )
    email = f"trace-{uuid.uuid4().hex[:8]}@example.fi"

    # 1. The POST: contacts records the signup and queues the mail request in its outbox.
    app = create_app(contacts_settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://digituki.test"
        ) as client,
    ):
        response = await client.post("/join", data=join_form(email))
    assert response.status_code < 400, response.text

    # 2. The relay publishes the outbox to Kafka later, from the rows alone.
    contacts_engine = make_engine(own_databases["contacts"], pool_size=2)
    newsletter_engine = make_engine(own_databases["newsletter"], pool_size=4)
    producer = make_producer(infra.kafka, client_id="trace-test-relay")
    relay = OutboxRelay(
        contacts_engine,
        contacts_outbox,
        RelayConfig(
            service="contacts",
            database_url=own_databases["contacts"],
            bootstrap_servers=infra.kafka,
            topic_prefix=prefix,
        ),
    )
    await producer.start()
    try:
        assert await relay.publish_batch(producer) >= 1
    finally:
        await producer.stop()
        await contacts_engine.dispose()

    # 3. Newsletter's subscriber takes the request from Kafka; its delivery worker sends it.
    broker = build_broker(newsletter_settings, newsletter_engine)
    await broker.start()
    stop = asyncio.Event()
    sender = asyncio.create_task(DeliveryWorker(newsletter_engine, newsletter_settings).run(stop))
    try:

        async def status() -> list[Any]:
            async with newsletter_engine.connect() as conn:
                stmt = select(deliveries.c.status).where(deliveries.c.to_email == email)
                return list((await conn.execute(stmt)).scalars())

        await eventually(status, lambda s: s == ["sent"], timeout=60, what="the mail sent")
    finally:
        stop.set()
        await sender
        await broker.stop()
        await newsletter_engine.dispose()
    provider.force_flush()

    found = exporter.get_finished_spans()
    by_id = {s.context.span_id: s for s in found}
    (post,) = [s for s in named(found, "POST /join", SpanKind.SERVER) if s.parent is None]
    topic = f"{prefix}{MAIL_REQUESTED.name}"
    (publish,) = named(found, f"publish {topic}", SpanKind.PRODUCER)
    (process,) = named(found, f"process {topic}", SpanKind.CONSUMER)
    (send,) = named(found, "smtp send", SpanKind.CLIENT)
    trace_id = post.context.trace_id
    # One trace, each hop the child of the one before it.
    assert {s.context.trace_id for s in (publish, process, send)} == {trace_id}
    assert post in ancestors(publish, by_id)
    assert ancestors(process, by_id)[0] is publish
    assert ancestors(send, by_id)[0] is process
    assert send.attributes is not None and send.attributes["digituki.delivery.outcome"] == "sent"
    assert process.attributes is not None
    assert process.attributes["digituki.consume.outcome"] == "applied"
    assert process.attributes["messaging.consumer.group.name"] == (
        f"{prefix}newsletter.mail-requests"
    )
    # SQLAlchemy's statements sit inside the request (contacts) and the consumer (newsletter).
    sql_under = {
        top.name
        for s in found
        if s.kind == SpanKind.CLIENT and s.attributes and "db.system" in str(s.attributes)
        for top in ancestors(s, by_id)
        if top in (post, process)
    }
    assert sql_under == {post.name, process.name}
