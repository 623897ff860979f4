"""Contacts consumes the events service's topics through a real Kafka and PostgreSQL: a person's
registration and attendance reach their timeline and their organisation's (the title in the
reader's language, linking to the event page), the snapshot's event fields and a segment's
count; a duplicate and an older replayed record change nothing; an undecodable record goes to
the dead letters."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from contacts.app import create_app
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.participation import handlers
from contacts.participation import service as participation
from contacts.people import repository as people
from contacts.settings import ContactsSettings
from contacts.snapshots import current_snapshot
from events.tables import contact_snapshot as events_replica
from newsletter.tables import contact_snapshot as newsletter_replica
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import contact_snapshot as surveys_replica

from shared.dead_letters import read_parked
from shared.events.envelope import CloudEvent, new_event
from shared.events.events import EventPublishedV1, RegistrationChangedV1
from shared.events.topics import EVENT_REGISTRATIONS, EVENTS
from shared.kafka import ensure_topics, make_broker
from shared.replica import apply_contact_events
from shared.segments.compiler import count_matching
from tests.support.infra import Infra
from tests.support.polling import eventually
from tests.support.processes import wait_for_group, wait_until_consumed
from tests.support.staff import EDITOR_HEADERS

pytestmark = pytest.mark.integration

REPLICAS = {
    "newsletter": newsletter_replica,
    "surveys": surveys_replica,
    "events": events_replica,
}
SERIES = uuid.UUID("00000000-0000-0000-0000-000000002027")
HELSINKI = ZoneInfo("Europe/Helsinki")
NOT_AN_EVENT = b'{"not": "an event"}'  # no CloudEvent headers: undecodable


@pytest.fixture
async def prefix(infra: Infra) -> str:
    """Topics of this test alone, so no other consumer of the run takes its records."""
    name = f"ep{uuid.uuid4().hex[:6]}."
    await ensure_topics(infra.kafka, name)
    return name


@pytest.fixture
async def contacts(
    engine: AsyncEngine, settings: ContactsSettings, prefix: str
) -> AsyncIterator[tuple[ContactsSettings, httpx.AsyncClient]]:
    mine = ContactsSettings(database_url=settings.database_url, kafka_topic_prefix=prefix)
    app = create_app(mine)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://contacts",
            headers=EDITOR_HEADERS,
        ) as client,
    ):
        yield mine, client


async def send(infra: Infra, topic: str, key: str, *values: CloudEvent | bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        for value in values:
            if isinstance(value, bytes):
                await producer.send_and_wait(topic, value=value, key=key.encode())
            else:
                await producer.send_and_wait(
                    topic, value=value.value_bytes(), key=key.encode(), headers=value.to_headers()
                )
    finally:
        await producer.stop()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).mappings())


async def test_registration_and_attendance_reach_timelines_snapshot_and_segments(
    infra: Infra,
    engine: AsyncEngine,
    clean_db: dict[str, AsyncEngine],
    prefix: str,
    contacts: tuple[ContactsSettings, httpx.AsyncClient],
) -> None:
    settings, api = contacts
    org = await api.post("/api/contacts/organisations", json={"name": "Kirjasto Tapahtumala"})
    assert org.status_code == 201, org.text
    created = await api.post(
        "/api/contacts/people",
        json={
            "email": f"ep-{uuid.uuid4().hex[:6]}@example.fi",
            "first_name": "Aino",
            "last_name": "Osallistuja",
        },
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    linked = await api.post(
        f"/api/contacts/people/{pid}/organisations", json={"organisation_id": org.json()["id"]}
    )
    assert linked.status_code == 201, linked.text

    broker = make_broker(settings)
    handlers.subscribe(broker, settings=settings, engine=engine)
    await broker.start()
    try:
        for purpose in ("event-catalogue", "event-participation"):
            await wait_for_group(infra.kafka, settings.group(purpose))
        event_id = uuid.uuid4()
        starts = datetime.combine(datetime.now(HELSINKI).date(), time(12), HELSINKI) - timedelta(
            days=3
        )
        published = EventPublishedV1(
            event_id=event_id,
            version=2,
            state="published",
            kind="digitaitoviikko",
            title={"fi": "Avajaiswebinaari", "sv": "Öppningswebbinarium", "en": "Opening webinar"},
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            online=True,
            region="01",
            series_id=SERIES,
            series_name={"fi": "Digitaitoviikko 2027", "sv": "Digistödsveckan 2027"},
            url=f"https://digituki.test/events/{event_id}",
        )
        older = published.model_copy(update={"version": 1, "title": {"fi": "Vanha nimi"}})
        await send(
            infra,
            settings.topic(EVENTS.name),
            str(event_id),
            new_event(source="/tests", data=published, subject=str(event_id), version=2),
            new_event(source="/tests", data=older, subject=str(event_id), version=1),
        )

        def change(kind: str, at: datetime) -> CloudEvent:
            return new_event(
                source="/tests",
                data=RegistrationChangedV1(
                    registration_id=registration,
                    event_id=event_id,
                    change=kind,  # type: ignore[arg-type]
                    occurred_at=at,
                    contact_id=uuid.UUID(pid),
                    series_id=SERIES,
                    event_kind="digitaitoviikko",
                ),
                subject=str(event_id),
            )

        registration = uuid.uuid4()
        registered = change("registered", starts - timedelta(days=10))
        attended = change("attended", starts + timedelta(hours=1))
        topic = settings.topic(EVENT_REGISTRATIONS.name)
        await send(infra, topic, str(event_id), registered, registered, NOT_AN_EVENT, attended)

        snapshot = await eventually(
            lambda: rows(engine, "SELECT * FROM contact_snapshot WHERE contact_id = :p", p=pid),
            lambda r: bool(r) and r[0]["last_attended_on"] is not None,
            what="the snapshot's attendance",
        )
        assert snapshot[0]["registered_series"] == [str(SERIES)]
        assert snapshot[0]["last_attended_on"] == starts.astimezone(HELSINKI).date()
        # The same records again, and an older registration replayed, change nothing.
        version = snapshot[0]["version"]
        await send(infra, topic, str(event_id), registered, attended)
        await wait_until_consumed(infra.kafka, settings.group("event-participation"), topic)
        held = await rows(engine, "SELECT * FROM event_participation")
        assert [(r["registration_id"], r["state"]) for r in held] == [(registration, "attended")]
        again = await rows(
            engine, "SELECT version FROM contact_snapshot WHERE contact_id = :p", p=pid
        )
        assert again[0]["version"] == version
        catalogue = await rows(engine, "SELECT version, title FROM event_catalogue")
        assert [(c["version"], c["title"]["fi"]) for c in catalogue] == [(2, "Avajaiswebinaari")]
        parked = await read_parked(infra.kafka, settings.topic(EVENT_REGISTRATIONS.dlq))
        assert [(p.value, p.consumer) for p in parked] == [
            (NOT_AN_EVENT, settings.group("event-participation"))
        ]
    finally:
        await broker.stop()

    page = await api.get(f"/staff/people/{pid}", headers={"Accept-Language": "fi"})
    assert page.status_code == 200
    assert "Ilmoittautui tapahtumaan" in page.text and "Osallistui tapahtumaan" in page.text
    assert f'<a href="https://digituki.test/events/{event_id}">Avajaiswebinaari</a>' in page.text
    english = await api.get(f"/staff/people/{pid}?lang=en")
    assert "Attended an event" in english.text and "Opening webinar" in english.text
    organisation = await api.get(f"/staff/organisations/{org.json()['id']}?lang=fi")
    assert "Osallistui tapahtumaan</strong> (Aino Osallistuja)" in organisation.text
    assert str(event_id) not in organisation.text.replace(f"/events/{event_id}", "")

    rule = {
        "all": [
            {"field": "registered_series", "op": "contains", "value": str(SERIES)},
            {"field": "last_attended_on", "op": "within_days", "value": 180},
        ]
    }
    preview = await api.post("/api/contacts/segments/preview", json={"rule": rule})
    assert preview.status_code == 200, preview.text
    assert preview.json()["count"] == 1
    # Every replica that evaluates segments holds the fields and counts the same.
    async with engine.connect() as conn:
        person = await people.get(conn, uuid.UUID(pid))
        assert person is not None
        snapshot_event = new_event(
            source="/tests",
            data=await current_snapshot(conn, person),
            subject=pid,
            version=person.version,
        )
    for service in ("newsletter", "surveys", "events"):
        async with clean_db[service].begin() as conn:
            replica = REPLICAS[service]
            await apply_contact_events(conn, replica, [snapshot_event])
            assert await count_matching(conn, replica, rule, datetime.now(UTC)) == 1, service
    saved = await api.post("/api/contacts/segments", json={"name": "Viikolla mukana", "rule": rule})
    assert saved.status_code == 201, saved.text
    listed = await api.get("/staff/segments?lang=fi")
    assert "Ilmoittautunut tapahtumasarjaan sisältää Digitaitoviikko 2027" in listed.text
    assert "Viimeksi osallistunut tapahtumaan" in listed.text
    assert str(SERIES) not in listed.text  # names, never ids
    builder = await api.get(f"/staff/segments/{saved.json()['id']}?lang=fi")
    assert f'<option value="{SERIES}" selected>Digitaitoviikko 2027</option>' in builder.text
    dashboard = await api.get("/staff/?lang=fi")
    assert "Tapahtumat ja ilmoittautumiset" in dashboard.text
    region_table = dashboard.text.split("tapahtuman maakunnan mukaan")[1].split("</table>")[0]
    assert '<th scope="row">Uusimaa</th><td>1</td><td>1</td><td>1</td>' in region_table
    by_place = dashboard.text.split("tapahtuman kunnan mukaan")[1].split("</table>")[0]
    assert '<th scope="row">Verkossa tai ei kuntaa</th><td>1</td><td>1</td><td>1</td>' in by_place
    by_type = dashboard.text.split("organisaation tyypin mukaan")[1].split("</table>")[0]
    assert '<th scope="row">Muu</th><td>1</td><td>1</td><td>1</td>' in by_type  # type other


async def test_an_attendance_before_its_event_is_known_takes_the_events_day_once_it_is(
    engine: AsyncEngine, contacts: tuple[ContactsSettings, httpx.AsyncClient]
) -> None:
    _settings, api = contacts
    created = await api.post("/api/contacts/people", json={"email": "late-catalogue@example.fi"})
    pid = uuid.UUID(created.json()["id"])
    event_id, registration = uuid.uuid4(), uuid.uuid4()
    starts = datetime(2026, 11, 2, 10, tzinfo=UTC)
    async with engine.begin() as conn:
        for kind, at in (
            ("registered", starts - timedelta(days=9)),
            ("attended", starts + timedelta(days=5)),
        ):
            await participation.apply_registration(
                JoinedContactsUnitOfWork(conn),
                RegistrationChangedV1(
                    registration_id=registration,
                    event_id=event_id,
                    change=kind,  # type: ignore[arg-type]
                    occurred_at=at,
                    contact_id=pid,
                ),
            )
    first = await rows(engine, "SELECT * FROM contact_snapshot WHERE contact_id = :p", p=pid)
    assert first[0]["last_attended_on"] == date(2026, 11, 7)  # the day attendance was marked
    event = EventPublishedV1(
        event_id=event_id,
        version=1,
        state="published",
        kind="webinar",
        title={"fi": "Myöhässä tullut tapahtuma"},
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        online=True,
    )
    for _ in range(2):  # the second time (a replay) publishes nothing
        async with engine.begin() as conn:
            await participation.apply_event(JoinedContactsUnitOfWork(conn), event)
    then = await rows(engine, "SELECT * FROM contact_snapshot WHERE contact_id = :p", p=pid)
    assert then[0]["last_attended_on"] == date(2026, 11, 2)
    assert then[0]["version"] == first[0]["version"] + 1
    person = await rows(engine, "SELECT last_engaged_on FROM people WHERE id = :p", p=pid)
    assert person[0]["last_engaged_on"] == date(2026, 11, 7)  # engagement: the day it counted
