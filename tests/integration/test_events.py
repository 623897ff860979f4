"""The events service in process against real PostgreSQL: staff create and publish events
(API and pages, audited, snapshots through the outbox), the public calendar with filters,
`.ics` and feed, registration with capacity and a waiting list that promotes on cancel, the
mails requested, and concurrent registrations that never over-book."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from events.catalog import service as catalog
from events.catalog.domain import EventDetails
from events.catalog.service import Actor
from events.registration import service as registration
from events.registration.domain import Registrant
from events.registration.erasure import settle_removed_people
from events.registration.reminders import send_due_reminders
from events.registration.service import Links
from events.settings import EventsSettings
from events.tables import contact_snapshot
from events.unit_of_work import JoinedEventsUnitOfWork, unit_of_work
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.events.envelope import new_event
from shared.tokens import TokenKeys
from shared.tombstones import CONTACT_ERASED
from tests.support.events import CSRF

LINKS = Links(keys=TokenKeys.single("k" * 40), base_url="https://digituki.test")


def soon(days: int = 10, hour: int = 9) -> str:
    day = datetime.now(UTC).date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def webinar(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "webinar",
        "title": {"fi": "Digitaidot tutuksi", "sv": "Digitala färdigheter"},
        "description": {"fi": "Kuvaus"},
        "starts_at": soon(),
        "ends_at": soon(hour=11),
        "online": True,
        "join_url": "https://meet.example.fi/secret-room",
        "capacity": 2,
        "languages": ["fi", "sv"],
        "topics": ["Tekoäly"],
        "organiser": "Digituki",
        "publish": True,
    }
    return body | changes


async def outbox(events_engine: AsyncEngine, topic: str) -> list[dict[str, Any]]:
    async with events_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id"), {"t": topic}
        )
        return [json.loads(r.payload) for r in rows]


async def create(staff: httpx.AsyncClient, **changes: Any) -> str:
    made = await staff.post(
        "/api/events/events", json=webinar(**changes), headers={"X-CSRF-Token": CSRF}
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_api_creates_publishes_and_audits(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, _ = events_clients
    event_id = await create(staff, starts_at=soon(hour=9), ends_at=soon(hour=11))
    read = (await staff.get(f"/api/events/events/{event_id}")).json()
    assert read["state"] == "published"
    # Entered as Finnish time: 09:00 in Helsinki is 06:00 or 07:00 UTC, never 09:00.
    assert datetime.fromisoformat(read["starts_at"]).astimezone(UTC).hour in (6, 7)
    snapshots = await outbox(events_engine, "events.event.v1")
    assert [s["event_id"] for s in snapshots] == [event_id]
    assert snapshots[0]["state"] == "published"
    assert "join_url" not in snapshots[0]  # the join link never leaves for the public
    audits = await outbox(events_engine, "staff.audit.v1")
    assert [a["action"] for a in audits] == ["event.created"]
    bad = await staff.post(
        "/api/events/events",
        json=webinar(ends_at=soon(hour=8)),
        headers={"X-CSRF-Token": CSRF},
    )
    assert bad.status_code == 422


async def test_staff_pages_create_edit_and_show_names(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, _ = events_clients
    form = {
        "csrf_token": CSRF,
        "kind": "workshop",
        "title_fi": "Työpaja kirjastossa",
        "starts_at": soon(hour=13),
        "ends_at": soon(hour=15),
        "format": "onsite",
        "address": "Kirjastokatu 1",
        "municipality": "091",
        "capacity": "20",
        "languages": "fi",
        "topics": "Mobiililaitteet, Tietoturva",
        "organiser": "Kirjasto",
    }
    # A link (an agreed visit request in contacts) fills the form; nothing is saved by it,
    # unknown fields and over-long values are left out.
    linked = await staff.get(
        "/events/staff/events/new",
        params={
            "kind": "other",
            "title_fi": "Digituen vierailu: Kirjasto",
            "municipality": "091",
            "languages": "sv",
            "organiser": "x" * 501,
            "csrf_token": "nope",
            "from_visit": "1",
        },
    )
    assert linked.status_code == 200
    assert 'value="Digituen vierailu: Kirjasto"' in linked.text
    assert 'value="sv" checked' in linked.text or re.search(r'value="sv"[^>]*checked', linked.text)
    assert "x" * 501 not in linked.text
    assert "sovitun vierailupyynnön" in linked.text or "agreed visit request" in linked.text
    wrong = await staff.post("/events/staff/events/new", data=form | {"municipality": ""})
    assert wrong.status_code == 422
    assert 'href="#municipality"' in wrong.text
    made = await staff.post("/events/staff/events/new", data=form)
    assert made.status_code == 303
    page_url = made.headers["location"]
    page = await staff.get(page_url)
    assert page.status_code == 200
    assert "Kirjastokatu 1, Helsinki" in page.text and ">091<" not in page.text
    event_id = page_url.rsplit("/", 1)[-1]
    edit = await staff.get(f"{page_url}/edit")
    assert 'value="Kirjastokatu 1"' in edit.text
    changed = await staff.post(f"{page_url}/edit", data=form | {"title_fi": "Uusi nimi"})
    assert changed.status_code == 303
    published = await staff.post(f"{page_url}/publish", data={"csrf_token": CSRF})
    assert published.status_code == 303
    listing = await staff.get("/events/staff/events")
    assert "Uusi nimi" in listing.text and 'href="/events/staff/events"' in listing.text
    actions = [a["action"] for a in await outbox(events_engine, "staff.audit.v1")]
    assert actions == ["event.created", "event.updated", "event.published"]
    assert [s["event_id"] for s in await outbox(events_engine, "events.event.v1")] == [event_id]
    series = await staff.post(
        "/events/staff/series",
        data={
            "csrf_token": CSRF,
            "slug": "digitaitoviikko-2027",
            "name_fi": "Digitaitoviikko 2027",
        },
    )
    assert series.status_code == 303
    assert "Digitaitoviikko 2027" in (await staff.get("/events/staff/series")).text


async def test_public_calendar_filters_ics_and_feed(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    staff, public = events_clients
    online = await create(staff)
    onsite = await create(
        staff,
        kind="workshop",
        title={"fi": "Työpaja Turussa"},
        online=False,
        join_url=None,
        address="Linnankatu 2",
        municipality="853",
        languages=["fi"],
        topics=["Tietoturva"],
    )
    draft = await create(staff, title={"fi": "Luonnos"}, publish=False)
    everything = await public.get("/events?lang=fi")
    assert everything.status_code == 200
    assert online in everything.text and onsite in everything.text and draft not in everything.text
    assert 'href="/accessibility?lang=fi"' in everything.text
    assert "Varsinais-Suomi" in everything.text  # regions by name
    only_online = await public.get("/events?format=online")
    assert online in only_online.text and onsite not in only_online.text
    in_turku = await public.get("/events?municipality=853&kind=workshop")
    assert onsite in in_turku.text and online not in in_turku.text
    in_region = await public.get("/events?region=02")
    assert onsite in in_region.text and online not in in_region.text
    swedish = await public.get("/events?language=sv&lang=sv")
    assert "Digitala färdigheter" in swedish.text and onsite not in swedish.text
    by_topic = await public.get("/events?topic=Tekoäly")
    assert online in by_topic.text and onsite not in by_topic.text
    assert (await public.get(f"/events/{draft}")).status_code == 404
    page = await public.get(f"/events/{online}?lang=en")
    assert page.status_code == 200
    assert "secret-room" not in page.text  # the join link only by mail to registrants
    ics = await public.get(f"/events/{online}/event.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    lines = ics.text.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    assert any(
        re.fullmatch(r"DTSTART;TZID=Europe/Helsinki:\d{8}T0900\d{2}", line) for line in lines
    )
    assert "TZID:Europe/Helsinki" in lines and "METHOD:PUBLISH" in lines
    assert "secret-room" not in ics.text
    feed = await public.get("/events/feed.ics")
    assert feed.text.count("BEGIN:VEVENT") == 2


async def test_registration_waiting_list_promotion_and_mails(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    event_id = await create(staff, capacity=2)
    pages = []
    for n in range(3):
        pages.append(
            await public.post(
                f"/events/{event_id}/register?lang=sv",
                data={"name": f"Person {n}", "email": f"p{n}@example.fi", "consent": "yes"},
            )
        )
    # Registered or waiting, the page says the same (the mail tells which).
    assert {p.status_code for p in pages} == {200}
    assert len({p.text for p in pages}) == 1
    again = await public.post(
        f"/events/{event_id}/register",
        data={"name": "Someone", "email": "P0@example.fi", "consent": "yes"},
    )
    assert again.status_code == 200 and again.text.replace('lang="fi"', 'lang="sv"') != ""
    no_consent = await public.post(
        f"/events/{event_id}/register", data={"name": "X", "email": "x@example.fi"}
    )
    assert no_consent.status_code == 422 and 'href="#consent"' in no_consent.text
    rows = (await staff.get(f"/api/events/events/{event_id}/registrations")).json()
    assert [r["state"] for r in rows] == ["registered", "registered", "waitlisted"]
    mails = await outbox(events_engine, "mail.requested.v1")
    by_key = [(m["template_key"], m["to_email"]) for m in mails]
    assert by_key[:3] == [
        ("event_confirmation", "p0@example.fi"),
        ("event_confirmation", "p1@example.fi"),
        ("event_waitlisted", "p2@example.fi"),
    ]
    assert by_key[3] == ("event_confirmation", "p0@example.fi")  # again, to the owner only
    assert all(m["language"] == "sv" for m in mails[:3])
    assert mails[0]["variables"]["join_url"].endswith("secret-room")
    assert mails[2]["variables"]["join_url"] == ""
    # The first one cancels with the personal link: the waiting one moves up.
    cancel_url = mails[0]["variables"]["cancel_url"]
    path = "/" + cancel_url.split("/", 3)[3]
    confirm = await public.get(path)
    assert confirm.status_code == 200 and "Digitaidot tutuksi" in confirm.text
    done = await public.post(path)
    assert done.status_code == 200
    twice = await public.post(path)
    assert twice.status_code == 200
    rows = (await staff.get(f"/api/events/events/{event_id}/registrations")).json()
    assert [r["state"] for r in rows] == ["cancelled", "registered", "registered"]
    mails = await outbox(events_engine, "mail.requested.v1")
    promoted = [m for m in mails if m["template_key"] == "event_promoted"]
    assert [m["to_email"] for m in promoted] == ["p2@example.fi"]
    assert promoted[0]["variables"]["join_url"].endswith("secret-room")
    changes = [r["change"] for r in await outbox(events_engine, "events.registration.v1")]
    assert changes == ["registered", "registered", "waitlisted", "cancelled", "promoted"]
    forged = await public.get("/events/cancel/k1.not-a-token")
    assert forged.status_code == 404
    # A new time: every live registrant is told, the join link only to seat holders.
    moved = await staff.put(
        f"/api/events/events/{event_id}",
        json=webinar(capacity=2, starts_at=soon(hour=12), ends_at=soon(hour=13)),
        headers={"X-CSRF-Token": CSRF},
    )
    assert moved.status_code == 200
    renamed = await staff.put(
        f"/api/events/events/{event_id}",
        json=webinar(capacity=2, starts_at=soon(hour=12), ends_at=soon(hour=13), organiser="X"),
        headers={"X-CSRF-Token": CSRF},
    )
    assert renamed.status_code == 200  # nothing registrants must know: no mail
    changed = [
        m
        for m in await outbox(events_engine, "mail.requested.v1")
        if m["template_key"] == "event_changed"
    ]
    assert sorted(m["to_email"] for m in changed) == ["p1@example.fi", "p2@example.fi"]
    assert all(m["variables"]["join_url"].endswith("secret-room") for m in changed)
    # Cancelling the event tells everyone still registered.
    await staff.post(f"/api/events/events/{event_id}/cancel", headers={"X-CSRF-Token": CSRF})
    told = [
        m["to_email"]
        for m in await outbox(events_engine, "mail.requested.v1")
        if m["template_key"] == "event_cancelled"
    ]
    assert sorted(told) == ["p1@example.fi", "p2@example.fi"]


async def test_honeypot_and_rate_limit(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    event_id = await create(staff, capacity=None)
    bot = await public.post(
        f"/events/{event_id}/register",
        data={"name": "Bot", "email": "bot@example.fi", "consent": "yes", "website": "x"},
    )
    assert bot.status_code == 200
    assert (await staff.get(f"/api/events/events/{event_id}/registrations")).json() == []
    statuses = []
    for n in range(EventsSettings().registration_burst + 2):
        answer = await public.post(
            f"/events/{event_id}/register",
            data={"name": f"N {n}", "email": f"n{n}@example.fi", "consent": "yes"},
            headers={"X-Real-IP": "203.0.113.9"},
        )
        statuses.append(answer.status_code)
    assert 429 in statuses and statuses[0] == 200


async def test_concurrent_registrations_never_over_book(events_engine: AsyncEngine) -> None:
    start = datetime.now(UTC) + timedelta(days=3)
    event = await catalog.create_event(
        unit_of_work(events_engine),
        details=EventDetails(
            kind="webinar",
            title={"fi": "Suosittu webinaari"},
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            online=True,
            join_url="https://meet.example.fi/x",
            capacity=5,
        ),
        actor=Actor(id="t", role="editor"),
        links=LINKS,
        publish=True,
    )
    wide = make_engine(str(events_engine.url.render_as_string(hide_password=False)), pool_size=25)
    try:

        async def one(n: int) -> str:
            return await registration.register(
                unit_of_work(wide),
                event_id=event.id,
                registrant=Registrant(name=f"P {n}", email=f"c{n}@example.fi"),
                links=LINKS,
            )

        outcomes = await asyncio.gather(*(one(n) for n in range(25)))
    finally:
        await wide.dispose()
    assert outcomes.count("registered") == 5
    assert outcomes.count("waitlisted") == 20
    async with events_engine.connect() as conn:
        counted = dict(
            (
                await conn.execute(text("SELECT state, count(*) FROM registrations GROUP BY state"))
            ).all()
        )
    assert counted == {"registered": 5, "waitlisted": 20}


async def test_reminders_go_once_per_offset_to_seat_holders_only(
    events_engine: AsyncEngine,
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    event = await catalog.create_event(
        unit_of_work(events_engine),
        details=EventDetails(
            kind="webinar",
            title={"fi": "Muistutettava"},
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            online=True,
            join_url="https://meet.example.fi/room",
            capacity=2,
        ),
        actor=Actor(id="t", role="editor"),
        links=LINKS,
        publish=True,
    )
    for n in range(3):
        await registration.register(
            unit_of_work(events_engine),
            event_id=event.id,
            registrant=Registrant(name=f"R {n}", email=f"r{n}@example.fi", language="en"),
            links=LINKS,
        )
    async with events_engine.begin() as conn:  # the first registered ten days ago
        await conn.execute(
            text(
                "UPDATE registrations SET created_at = created_at - interval '10 days' "
                "WHERE email = 'r0@example.fi'"
            )
        )

    async def reminders() -> list[tuple[str, str]]:
        return [
            (m["to_email"], m["idempotency_key"].rsplit(":", 1)[-1])
            for m in await outbox(events_engine, "mail.requested.v1")
            if m["template_key"] == "event_reminder"
        ]

    offsets = [168, 1]
    sent = await send_due_reminders(unit_of_work(events_engine), offsets=offsets, links=LINKS)
    # A week before: only r0 registered before that moment; r2 waits for a seat.
    assert sent == 1
    assert await reminders() == [("r0@example.fi", "168")]
    assert await send_due_reminders(unit_of_work(events_engine), offsets=offsets, links=LINKS) == 0
    later = datetime.now(UTC) + timedelta(hours=1, minutes=30)
    sent = await send_due_reminders(
        unit_of_work(events_engine), offsets=offsets, links=LINKS, now=later
    )
    assert sent == 2
    assert sorted(await reminders()) == [
        ("r0@example.fi", "1"),
        ("r0@example.fi", "168"),
        ("r1@example.fi", "1"),
    ]
    mails = [
        m
        for m in await outbox(events_engine, "mail.requested.v1")
        if m["template_key"] == "event_reminder"
    ]
    assert all(m["variables"]["join_url"] == "https://meet.example.fi/room" for m in mails)
    assert (
        await send_due_reminders(
            unit_of_work(events_engine), offsets=offsets, links=LINKS, now=later
        )
        == 0
    )


async def test_check_in_and_attendance_import(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    event_id = await create(staff, capacity=None)
    for n in range(3):
        await public.post(
            f"/events/{event_id}/register",
            data={"name": f"Osallistuja {n}", "email": f"a{n}@example.fi", "consent": "yes"},
        )
    rows = (await staff.get(f"/api/events/events/{event_id}/registrations")).json()
    ids = {r["email"]: r["id"] for r in rows}
    page = await staff.get(f"/events/staff/events/{event_id}/attendance")
    assert page.status_code == 200 and "Osallistuja 2" in page.text
    ticked = await staff.post(
        f"/events/staff/events/{event_id}/attendance",
        data={"csrf_token": CSRF, "attended": [ids["a0@example.fi"], "not-an-id"]},
    )
    assert ticked.status_code == 303
    csv = (
        "Name;Email\nOsallistuja 0;A0@example.fi\nOsallistuja 1;a1@example.fi\n"
        "Vieras;guest@example.fi\n"
    )
    imported = await staff.post(
        f"/events/staff/events/{event_id}/attendance/import",
        data={"csrf_token": CSRF},
        files={"file": ("attendance.csv", csv.encode(), "text/csv")},
    )
    assert imported.status_code == 200
    assert "guest@example.fi" in imported.text
    attended = {
        r["email"]: r["attended_at"] is not None
        for r in (await staff.get(f"/api/events/events/{event_id}/registrations")).json()
    }
    assert attended == {"a0@example.fi": True, "a1@example.fi": True, "a2@example.fi": False}
    export = await staff.get(f"/events/staff/events/{event_id}/registrations.csv")
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("name,email,") and len(lines) == 4
    assert any(
        line.startswith("Osallistuja 0,a0@example.fi,") and line.endswith(",yes") for line in lines
    )
    changes = [c["change"] for c in await outbox(events_engine, "events.registration.v1")]
    assert changes.count("attended") == 2  # a0 once, though ticked and imported
    empty = await staff.post(
        f"/events/staff/events/{event_id}/attendance/import",
        data={"csrf_token": CSRF},
        files={"file": ("empty.csv", b"", "text/csv")},
    )
    assert empty.status_code == 422 and 'href="#file"' in empty.text
    # Unticking the check-in list unmarks.
    await staff.post(f"/events/staff/events/{event_id}/attendance", data={"csrf_token": CSRF})
    rows = (await staff.get(f"/api/events/events/{event_id}/registrations")).json()
    assert all(r["attended_at"] is None for r in rows)
    actions = [a["action"] for a in await outbox(events_engine, "staff.audit.v1")]
    assert actions.count("event.attendance.imported") == 1
    assert actions.count("event.registrations.exported") == 1


async def test_a_known_person_is_linked_and_erasure_empties_their_registrations(
    events_engine: AsyncEngine,
) -> None:
    person = uuid.uuid4()
    async with events_engine.begin() as conn:
        await conn.execute(
            insert(contact_snapshot).values(
                contact_id=person, version=1, email="Known@Example.fi", language="fi"
            )
        )
    start = datetime.now(UTC) + timedelta(days=3)
    event = await catalog.create_event(
        unit_of_work(events_engine),
        details=EventDetails(
            kind="workshop",
            title={"fi": "Työpaja"},
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            online=True,
            join_url="https://meet.example.fi/x",
        ),
        actor=Actor(id="t", role="editor"),
        links=LINKS,
        publish=True,
    )
    for email in ("known@example.fi", "stranger@example.fi"):
        await registration.register(
            unit_of_work(events_engine),
            event_id=event.id,
            registrant=Registrant(name="Nimi", email=email, accessibility_needs="pyörätuoli"),
            links=LINKS,
        )
    changes = await outbox(events_engine, "events.registration.v1")
    assert [c["contact_id"] for c in changes] == [str(person), None]
    assert all("email" not in c and "name" not in c for c in changes)
    tombstone = new_event(
        source="/digituki/contacts", data=None, event_type=CONTACT_ERASED, subject=str(person)
    )
    async with events_engine.begin() as conn:  # as the replica's batch: a held transaction
        await settle_removed_people(JoinedEventsUnitOfWork(conn), [tombstone])
        # twice changes nothing more
        await settle_removed_people(JoinedEventsUnitOfWork(conn), [tombstone])
    rows = await registration.registrations_of(unit_of_work(events_engine), event.id)
    erased = [r for r in rows if r.contact_id is None and r.name == ""]
    assert len(erased) == 1
    assert erased[0].email.endswith("@erased.invalid")
    assert erased[0].accessibility_needs == "" and erased[0].state == "registered"
    assert {r.email for r in rows} >= {"stranger@example.fi"}
    audits = [
        a
        for a in await outbox(events_engine, "staff.audit.v1")
        if a["action"].startswith("contact.")
    ]
    assert [a["details"] for a in audits] == [{"registrations": 1}]


async def test_partner_submission_verified_then_approved_or_declined(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    await staff.post(
        "/api/events/series",
        json={"slug": "digitaitoviikko-2027", "name": {"fi": "Digitaitoviikko 2027"}},
        headers={"X-CSRF-Token": CSRF},
    )
    form = {
        "organiser": "Kirjasto",
        "submitter_name": "Aino",
        "submitter_email": "aino@library.example",
        "title_fi": "Digitaitoviikon työpaja",
        "starts_at": soon(hour=13),
        "ends_at": soon(hour=15),
        "format": "onsite",
        "address": "Kirjastokatu 1",
        "municipality": "091",
        "languages": "fi",
        "consent": "yes",
    }
    page = await public.get("/events/series/digitaitoviikko-2027/submit?lang=sv")
    assert page.status_code == 200 and 'name="submitter_email"' in page.text
    wrong = await public.post(
        "/events/series/digitaitoviikko-2027/submit", data=form | {"address": ""}
    )
    assert wrong.status_code == 422 and 'href="#address"' in wrong.text
    sent = await public.post("/events/series/digitaitoviikko-2027/submit?lang=sv", data=form)
    assert sent.status_code == 200
    (mail,) = [
        m
        for m in await outbox(events_engine, "mail.requested.v1")
        if m["template_key"] == "event_submission_verify"
    ]
    assert mail["to_email"] == "aino@library.example" and mail["language"] == "sv"
    events = (await staff.get("/api/events/events")).json()
    assert [(e["state"], e["kind"]) for e in events] == [("submitted", "digitaitoviikko")]
    event_id = events[0]["id"]
    assert event_id not in (await public.get("/events")).text
    assert (await public.get(f"/events/{event_id}")).status_code == 404
    # Not verified yet: staff cannot publish it.
    early = await staff.post(
        f"/api/events/events/{event_id}/publish", headers={"X-CSRF-Token": CSRF}
    )
    assert early.status_code == 409
    path = "/" + mail["variables"]["verify_url"].split("/", 3)[3]
    assert (await public.get(path)).status_code == 200
    assert (await public.post(path)).status_code == 200
    staff_page = await staff.get(f"/events/staff/events/{event_id}")
    assert "aino@library.example" in staff_page.text
    assert "/decline" in staff_page.text and "/publish" in staff_page.text
    listing = await staff.get("/events/staff/events")
    assert 'role="status"' in listing.text  # submissions waiting for approval
    approved = await staff.post(
        f"/events/staff/events/{event_id}/publish", data={"csrf_token": CSRF}
    )
    assert approved.status_code == 303
    calendar = await public.get("/events?kind=digitaitoviikko")
    assert event_id in calendar.text
    series_page = await public.get("/events/series/digitaitoviikko-2027")
    assert event_id in series_page.text
    assert [s["event_id"] for s in await outbox(events_engine, "events.event.v1")] == [event_id]
    overview = await staff.get("/events/staff/series/digitaitoviikko-2027")
    assert overview.status_code == 200
    assert re.search(r'<th scope="row">Uusimaa</th><td>1</td><td>0</td>', overview.text)
    assert 'role="img"' in overview.text  # the chart, with the same figures in the table
    # A second submission is declined: it never appears.
    await public.post(
        "/events/series/digitaitoviikko-2027/submit", data=form | {"title_fi": "Toinen"}
    )
    second = next(
        e["id"] for e in (await staff.get("/api/events/events")).json() if e["state"] == "submitted"
    )
    declined = await staff.post(f"/events/staff/events/{second}/decline", data={"csrf_token": CSRF})
    assert declined.status_code == 303
    assert (await staff.get(f"/api/events/events/{second}")).json()["state"] == "declined"
    assert second not in (await public.get("/events")).text
    actions = [a["action"] for a in await outbox(events_engine, "staff.audit.v1")]
    assert "event.published" in actions and "event.declined" in actions
    assert (await public.get("/events/submissions/k1.forged")).status_code == 404
