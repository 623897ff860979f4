"""Self-assessed weak areas from a result on Kafka to a segment count in every service.

Everything real but the processes: a result goes onto `surveys.assessment.v1`; contacts'
subscriber keeps it and puts the weak areas of the person's latest result on their snapshot;
contacts' relay publishes the snapshot; the newsletter, surveys and events subscribers keep it in
their replicas, where the segment "self-assessed weak in digital security" counts the person. A
retake replaces the weak areas, a late older result does not, and erasure removes them. Each
service has a database and topics of its own (no other test's consumer sees them).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from contacts.app import create_app
from contacts.settings import ContactsSettings
from contacts.tables import assessment_results, people
from contacts.tables import contact_snapshot as contacts_snapshot
from contacts.tables import outbox as contacts_outbox
from events.settings import EventsSettings
from events.tables import contact_snapshot as events_snapshot
from events.worker import build_broker as events_broker
from newsletter.settings import NewsletterSettings
from newsletter.tables import contact_snapshot as newsletter_snapshot
from newsletter.worker import build_broker as newsletter_broker
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.settings import SurveysSettings
from surveys.tables import contact_snapshot as surveys_snapshot
from surveys.worker import build_broker as surveys_broker

from shared.db import make_engine
from shared.events.envelope import new_event
from shared.events.surveys import AssessmentResultV1
from shared.events.topics import SURVEY_ASSESSMENTS
from shared.kafka import ensure_topics
from shared.outbox.relay import OutboxRelay, RelayConfig, make_producer
from shared.segments.compiler import count_matching
from tests.support.infra import Infra
from tests.support.polling import eventually
from tests.support.staff import EDITOR_HEADERS

pytestmark = pytest.mark.integration

SERVICES = ("contacts", "newsletter", "surveys", "events")
REPLICAS: dict[str, Table] = {
    "newsletter": newsletter_snapshot,
    "surveys": surveys_snapshot,
    "events": events_snapshot,
}
WEAK_IN_SECURITY = {"field": "weak_areas", "op": "contains", "value": "digital_security"}
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
NAMES = {"digital_security": "Digitaalinen turvallisuus", "data_protection": "Tietosuoja"}


def result(
    contact_id: uuid.UUID | None,
    taken_on: date,
    percents: dict[str, int],
    *,
    previous: uuid.UUID | None = None,
) -> AssessmentResultV1:
    return AssessmentResultV1(
        attempt_id=uuid.uuid4(),
        assessment_id=uuid.UUID(int=7),
        contact_id=contact_id,
        taken_on=taken_on,
        percents=percents,
        area_names=NAMES,
        area_names_sv={"digital_security": "Digital säkerhet", "data_protection": "Dataskydd"},
        area_names_en={
            "digital_security": "Digital security",
            "data_protection": "Data protection",
        },
        weak_areas=[k for k, p in percents.items() if p < 40],
        previous_attempt_id=previous,
    )


async def weak_of(engine: AsyncEngine, table: Table, person: uuid.UUID) -> list[str] | None:
    async with engine.connect() as conn:
        column = table.c.weak_areas
        key = table.c.id if table is people else table.c.contact_id
        found = (await conn.execute(select(column).where(key == person))).scalar_one_or_none()
    return None if found is None else list(found)


def replica_probe(
    engine: AsyncEngine, table: Table, person: uuid.UUID
) -> Callable[[], Awaitable[list[str] | None]]:
    async def probe() -> list[str] | None:
        return await weak_of(engine, table, person)

    return probe


async def counts(engines: dict[str, AsyncEngine]) -> dict[str, int]:
    """How many people the segment selects in each service's own snapshot table."""
    found = {}
    for service, engine in engines.items():
        table = contacts_snapshot if service == "contacts" else REPLICAS[service]
        async with engine.connect() as conn:
            found[service] = await count_matching(conn, table, WEAK_IN_SECURITY, NOW)
    return found


async def test_weak_areas_of_the_latest_result_reach_every_replica_and_segment(
    own_databases: dict[str, str], infra: Infra
) -> None:
    prefix = f"weak{uuid.uuid4().hex[:6]}."
    await ensure_topics(infra.kafka, prefix)
    engines = {s: make_engine(url, pool_size=3) for s, url in own_databases.items()}
    settings: dict[str, Any] = {
        "contacts": ContactsSettings(
            database_url=own_databases["contacts"], kafka_topic_prefix=prefix
        ),
        "newsletter": NewsletterSettings(
            database_url=own_databases["newsletter"], kafka_topic_prefix=prefix
        ),
        "surveys": SurveysSettings(
            database_url=own_databases["surveys"], kafka_topic_prefix=prefix
        ),
        "events": EventsSettings(database_url=own_databases["events"], kafka_topic_prefix=prefix),
    }
    app = create_app(settings["contacts"])
    producer = make_producer(infra.kafka, client_id="weak-areas-test")
    relay = OutboxRelay(
        engines["contacts"],
        contacts_outbox,
        RelayConfig(
            service="contacts",
            database_url=own_databases["contacts"],
            bootstrap_servers=infra.kafka,
            topic_prefix=prefix,
        ),
    )
    brokers = [
        build(settings[s], engines[s])
        for s, build in (
            ("newsletter", newsletter_broker),
            ("surveys", surveys_broker),
            ("events", events_broker),
        )
    ]
    from contacts.worker import build_broker as contacts_broker

    brokers.append(contacts_broker(settings["contacts"], engines["contacts"]))
    async with AsyncExitStack() as stack:
        await producer.start()
        stack.push_async_callback(producer.stop)
        for broker in brokers:
            await broker.start()
            stack.push_async_callback(broker.stop)
        for engine in engines.values():
            stack.push_async_callback(engine.dispose)
        await stack.enter_async_context(app.router.lifespan_context(app))
        api = await stack.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="https://crm.digituki.test",
                headers=EDITOR_HEADERS,
            )
        )
        created = await api.post("/api/contacts/people", json={"email": "heikki@example.fi"})
        person = uuid.UUID(created.json()["id"])

        async def publish(event: AssessmentResultV1) -> None:
            envelope = new_event(source="/digituki/surveys", data=event)
            await producer.send_and_wait(
                f"{prefix}{SURVEY_ASSESSMENTS.name}",
                value=envelope.value_bytes(),
                key=str(event.contact_id or event.attempt_id).encode(),
                headers=envelope.to_headers(),
            )

        async def relayed() -> None:
            while await relay.publish_batch(producer):
                pass

        async def everywhere(expected: list[str], what: str) -> None:
            await eventually(
                lambda: weak_of(engines["contacts"], people, person),
                lambda w: w == expected,
                what=f"contacts: {what}",
            )
            await relayed()
            for service, table in REPLICAS.items():
                await eventually(
                    replica_probe(engines[service], table, person),
                    lambda w: w == expected,
                    what=f"{service}: {what}",
                )

        # A result for nobody contacts knows counts in the figures only; the person's result
        # puts digital security (33 %, the lowest band) on the snapshot everywhere.
        first = result(person, date(2026, 11, 2), {"digital_security": 33, "data_protection": 70})
        await publish(result(None, date(2026, 11, 2), {"digital_security": 10}))
        await publish(first)
        await everywhere(["digital_security"], "weak in digital security")
        assert await counts(engines) == dict.fromkeys(SERVICES, 1)
        preview = await api.post("/api/contacts/segments/preview", json={"rule": WEAK_IN_SECURITY})
        assert preview.json()["count"] == 1
        async with engines["contacts"].connect() as conn:
            kept = (await conn.execute(select(assessment_results.c.person_id))).scalars().all()
        assert sorted(map(str, kept)) == sorted([str(person), "None"])

        # The retake replaces the weak areas: now data protection, no longer security.
        retake = result(
            person,
            date(2026, 11, 20),
            {"digital_security": 45, "data_protection": 20},
            previous=first.attempt_id,
        )
        await publish(retake)
        await everywhere(["data_protection"], "the retake's weak areas")
        assert await counts(engines) == dict.fromkeys(SERVICES, 0)

        # A result of an earlier day that arrives late is not the latest: nothing changes.
        await publish(result(person, date(2026, 11, 10), {"digital_security": 5}))
        await eventually(
            lambda: _results_of(engines["contacts"], person), lambda n: n == 3, what="late one"
        )
        assert await weak_of(engines["contacts"], people, person) == ["data_protection"]

        # Erasure: the replicas keep an erased row with no weak areas; the results stay, joined
        # to nobody.
        assert (await api.delete(f"/api/contacts/people/{person}")).status_code == 204
        await relayed()
        for service, table in REPLICAS.items():
            await eventually(
                replica_probe(engines[service], table, person),
                lambda w: w == [],
                what=f"{service}: erased",
            )
        assert await _results_of(engines["contacts"], person) == 0


async def _results_of(engine: AsyncEngine, person: uuid.UUID) -> int:
    async with engine.connect() as conn:
        stmt = select(assessment_results.c.attempt_id).where(
            assessment_results.c.person_id == person
        )
        return len((await conn.execute(stmt)).all())
