"""No Kafka record is skipped silently: on every topic any service consumes, each consumer
applies the good records around a bad one and parks exactly the bad one on `<topic>.dlq`.

The consumers are enumerated from the services' own brokers (what `build_broker` subscribes),
so a new subscription is swept too, and fails here until it has a sample good event below.
Records are raw bytes from aiokafka, produced back to back under one key so that a consumer
fetches good and bad records in the same batch.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.dead_letters import read_parked
from shared.events.audit import StaffActionV1
from shared.events.contacts import ContactSnapshotV1, SegmentV1
from shared.events.envelope import CloudEvent, EventData, new_event
from shared.events.events import EventPublishedV1, FeedbackRequestedV1, RegistrationChangedV1
from shared.events.mail import MailEventV1, MailRequestedV1
from shared.events.materials import MaterialV1
from shared.events.newsletter_signup import NewsletterSignupRequestedV1
from shared.events.surveys import (
    AssessmentResultV1,
    EventFeedbackV1,
    ResponseSubmittedV1,
    SurveyV1,
)
from shared.events.topics import REPLAY_SUFFIX, TOPICS
from shared.settings import ServiceSettings
from tests.e2e.conftest import Workers
from tests.support.infra import Infra
from tests.support.kafka_topics import SWEEP_HEADER
from tests.support.polling import eventually
from tests.support.processes import wait_until_consumed

SERVICES = ("contacts", "newsletter", "surveys", "events")
Headers = list[tuple[str, bytes | None]]


def _now() -> datetime:
    return datetime.now(UTC)


# A good event per consumed topic; the replicas' rows say it was applied (batch consumers
# keep no inbox), every other consumer records the event id in its inbox with the effect.
GOOD: dict[str, Callable[[], EventData]] = {
    "contacts.contact.v1": lambda: ContactSnapshotV1(
        contact_id=uuid.uuid4(), version=1, email=f"sweep-{uuid.uuid4().hex[:8]}@example.fi"
    ),
    "contacts.segment.v1": lambda: SegmentV1(
        segment_id=uuid.uuid4(), version=1, name="Sweep", rule={"all": []}
    ),
    "mail.requested.v1": lambda: MailRequestedV1(
        idempotency_key=f"sweep-{uuid.uuid4()}",
        template_key="password_reset",
        to_email="sweep@example.fi",
        variables={"reset_url": "https://example.fi/r/1"},
    ),
    "mail.events.v1": lambda: MailEventV1(
        delivery_id=uuid.uuid4(),
        outcome="sent",
        occurred_at=_now(),
        origin="survey_invitation",  # so that surveys, too, takes it as its own
        origin_id=str(uuid.uuid4()),
    ),
    "surveys.responses.v1": lambda: ResponseSubmittedV1(
        response_id=uuid.uuid4(), survey_id=uuid.uuid4(), submitted_on=date.today()
    ),
    "surveys.assessment.v1": lambda: AssessmentResultV1(
        attempt_id=uuid.uuid4(),
        assessment_id=uuid.uuid4(),
        taken_on=date.today(),
        percents={"devices": 50},
        area_names={"devices": "Laitteet ja yhteydet"},
        weak_areas=[],
    ),
    "newsletter.material.v1": lambda: MaterialV1(
        material_id=uuid.uuid4(),
        version=1,
        kind="guide",
        title={"fi": "Sweep"},
        url="https://example.fi/materials/1/open",
        page_url="https://example.fi/materials/1",
        competence_areas=["devices"],
        published=True,
        archived=False,
    ),
    "staff.audit.v1": lambda: StaffActionV1(
        service="sweep", actor_id="t", action="sweep.test", occurred_at=_now()
    ),
    "events.event.v1": lambda: EventPublishedV1(
        event_id=uuid.uuid4(),
        version=1,
        state="published",
        kind="webinar",
        title={"fi": "Siivouswebinaari"},
        starts_at=_now(),
        ends_at=_now(),
        online=True,
    ),
    "events.registration.v1": lambda: RegistrationChangedV1(
        registration_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        change="registered",
        occurred_at=_now(),
    ),
    "surveys.survey.v1": lambda: SurveyV1(
        survey_id=uuid.uuid4(), version=1, title={"fi": "Siivouskysely"}, languages=["fi"]
    ),
    "surveys.event_feedback.v1": lambda: EventFeedbackV1(
        event_id=uuid.uuid4(),
        survey_id=uuid.uuid4(),
        campaign_id=uuid.uuid4(),
        version=1,
        invited=1,
        answered=0,
    ),
    # A survey nobody has: surveys invites nobody, and the record is still applied (inbox).
    "events.feedback_requested.v1": lambda: FeedbackRequestedV1(
        registration_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        event_title={"fi": "Siivouswebinaari"},
        event_ends_at=_now(),
        survey_id=uuid.uuid4(),
        email=f"sweep-{uuid.uuid4().hex[:8]}@example.fi",
    ),
    "events.newsletter-signup.v1": lambda: NewsletterSignupRequestedV1(
        email=f"sweep-{uuid.uuid4().hex[:8]}@example.fi",
        registration_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        requested_at=_now(),
    ),
}
REPLICA_ROWS = {
    "contacts.contact.v1": ("contact_snapshot", "contact_id"),
    "contacts.segment.v1": ("segments", "segment_id"),
    "newsletter.material.v1": ("materials", "material_id"),
    "surveys.survey.v1": ("feedback_surveys", "survey_id"),
    "surveys.event_feedback.v1": ("feedback_status", "event_id"),
}
# A topic that one service keeps as a replica (a batch consumer, no inbox) and another
# consumes with an inbox: the replica's table for that service.
SERVICE_REPLICA_ROWS = {("newsletter", "events.event.v1"): ("event_listing", "event_id")}


def _replace(headers: Headers, name: str, value: bytes | None) -> Headers:
    return [(k, value if k == name else v) for k, v in headers]


def _without(headers: Headers, name: str) -> Headers:
    return [(k, v) for k, v in headers if k != name]


# Each kind of badness: (headers, value) of a good event -> (headers, value) of a bad record.
BAD: dict[str, Callable[[Headers, bytes], tuple[Headers, bytes | None]]] = {
    "header-not-utf8": lambda h, v: (_replace(h, "ce_source", b"\xff\xfe/x"), v),
    "header-without-value": lambda h, v: (_replace(h, "ce_id", None), v),
    "missing-ce-id": lambda h, v: (_without(h, "ce_id"), v),
    "garbled-time": lambda h, v: (_replace(h, "ce_time", b"yesterday-ish"), v),
    "value-not-json": lambda h, v: (h, b"{not json"),
    "value-not-utf8": lambda h, v: (h, b"\xff\x00\xfe"),
    "json-not-the-schema": lambda h, v: (h, b'{"unexpected": true}'),
    "json-not-an-object": lambda h, v: (h, b"[1, 2]"),
    "another-event-type": lambda h, v: (_replace(h, "ce_type", b"fi.digituki.other.v9"), v),
}


@dataclass(frozen=True)
class Consumer:
    service: str
    group: str
    topic: str  # without the run's prefix
    batch: bool


def consumers_of(brokers: dict[str, KafkaBroker], prefix: str) -> list[Consumer]:
    found = []
    for service, broker in brokers.items():
        for sub in broker.subscribers:
            for physical in sub.topic_names:  # type: ignore[attr-defined]
                if physical.endswith(REPLAY_SUFFIX):
                    continue  # swept through `digituki dlq replay` below
                found.append(
                    Consumer(
                        service=service,
                        group=str(sub.group_id),  # type: ignore[attr-defined]
                        topic=physical.removeprefix(prefix),
                        batch=type(sub).__name__.startswith("Batch"),
                    )
                )
    return found


def service_brokers(engines: dict[str, AsyncEngine]) -> dict[str, KafkaBroker]:
    brokers = {}
    for service in SERVICES:
        worker = importlib.import_module(f"{service}.worker")
        settings_mod = importlib.import_module(f"{service}.settings")
        settings_cls = next(
            v
            for k, v in vars(settings_mod).items()
            if k.endswith("Settings") and isinstance(v, type) and issubclass(v, ServiceSettings)
            if v is not ServiceSettings
        )
        brokers[service] = worker.build_broker(settings_cls(), engines[service])
    return brokers


@dataclass
class Sent:
    goods: list[CloudEvent]
    bad_kinds: list[str]


async def produce_sweep(infra: Infra, prefix: str, topic: str, marker: str) -> Sent:
    """good, every bad kind, good: one key, so one partition and, mostly, one fetch."""
    good_events = [new_event(source="/tests/sweep", data=GOOD[topic]()) for _ in range(2)]
    key = f"sweep-{uuid.uuid4()}".encode()
    records: list[tuple[Headers, bytes | None]] = []
    first, last = good_events
    records.append((list(first.to_headers()), first.value_bytes()))
    template = new_event(source="/tests/sweep", data=GOOD[topic]())
    for kind, spoil in BAD.items():
        headers, value = spoil(list(template.to_headers()), template.value_bytes() or b"")
        records.append(([*headers, ("sweep_kind", kind.encode())], value))
    # Good, with a trace context that cannot be read: that costs the trace, not the record.
    records.append(([*last.to_headers(), ("ce_traceparent", b"\xff\xfe")], last.value_bytes()))

    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        futures = [
            await producer.send(
                f"{prefix}{topic}",
                value=value,
                key=key,
                headers=[*headers, (SWEEP_HEADER, marker.encode())],
            )
            for headers, value in records
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return Sent(goods=good_events, bad_kinds=list(BAD))


async def applied(engine: AsyncEngine, consumer: Consumer, event: CloudEvent) -> bool:
    async with engine.connect() as conn:
        rows_at = SERVICE_REPLICA_ROWS.get((consumer.service, consumer.topic)) or (
            REPLICA_ROWS.get(consumer.topic)
        )
        if rows_at is not None:
            table, column = rows_at
            data = event.data or {}
            found = await conn.execute(
                text(f"SELECT version FROM {table} WHERE {column} = :id"), {"id": data[column]}
            )
            return bool(found.scalar_one_or_none() == data["version"])
        found = await conn.execute(
            text("SELECT 1 FROM inbox WHERE consumer = :c AND event_id = :e"),
            {"c": consumer.group, "e": event.id},
        )
        return found.first() is not None


async def test_every_consumer_parks_exactly_the_bad_records_and_applies_the_rest(
    workers: Workers, infra: Infra, topics: str, clean_db: dict[str, AsyncEngine]
) -> None:
    consumers = consumers_of(service_brokers(clean_db), topics)
    consumed = {c.topic for c in consumers}
    assert consumed <= set(TOPICS), consumed - set(TOPICS)
    assert consumed <= GOOD.keys(), f"add a sample good event for {consumed - GOOD.keys()}"
    assert any(c.batch for c in consumers) and any(not c.batch for c in consumers)

    marker = uuid.uuid4().hex
    sent = {topic: await produce_sweep(infra, topics, topic, marker) for topic in sorted(consumed)}

    for c in consumers:
        await wait_until_consumed(infra.kafka, c.group, f"{topics}{c.topic}", timeout=60)
    problems: list[str] = []
    for topic in sorted(consumed):
        parked = [
            m
            for m in await read_parked(infra.kafka, f"{topics}{topic}.dlq", limit=100_000)
            if m.headers.get(SWEEP_HEADER) == marker
        ]
        for c in (c for c in consumers if c.topic == topic):
            mine = [m for m in parked if m.consumer == c.group]
            kinds = sorted(m.headers.get("sweep_kind", "<a good one>") for m in mine)
            if kinds != sorted(sent[topic].bad_kinds):
                problems.append(f"{c.group} on {topic} parked {kinds}")
            problems.extend(
                f"{c.group} parked {m.headers.get('sweep_kind')} without an error"
                for m in mine
                if not m.headers.get("dlq_error")
            )
            for event in sent[topic].goods:
                if not await applied(clean_db[c.service], c, event):
                    problems.append(f"{c.group} did not apply good event {event.id} on {topic}")
    assert not problems, "\n".join(problems)


async def test_the_parked_record_keeps_its_bytes(
    workers: Workers, infra: Infra, topics: str, clean_db: dict[str, AsyncEngine]
) -> None:
    """A header that is not UTF-8 is parked as it came, so a replay sends the same bytes."""
    marker = uuid.uuid4().hex
    await produce_sweep(infra, topics, "contacts.segment.v1", marker)
    dlq = f"{topics}contacts.segment.v1.dlq"

    async def parked_raw() -> list[dict[str, bytes | None]]:
        return [
            dict(m.raw_headers)
            for m in await read_parked(infra.kafka, dlq, limit=100_000)
            if m.headers.get(SWEEP_HEADER) == marker
            and m.headers.get("sweep_kind") == "header-not-utf8"
        ]

    found = await eventually(parked_raw, lambda p: len(p) == 2, what="both replicas parked it")
    assert all(h["ce_source"] == b"\xff\xfe/x" for h in found)
    assert all(json.loads(h["dlq_attempts"] or b"0") == 1 for h in found)
