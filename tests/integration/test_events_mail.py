"""Events' mails and files against real PostgreSQL (issue 16, the rest): the event's .ics on
the confirmation, promotion, change and cancellation mail requests; "also subscribe to the
newsletter" leaving on its own topic and contacts' double opt-in it starts; the partner's
mails on approval and decline; the registrations as a workbook."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.signup.service.from_events import sign_up_from_event
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.mail import MailRequestedV1
from shared.events.newsletter_signup import NewsletterSignupRequestedV1
from tests.integration.test_events import CSRF, create, outbox, soon

pytestmark = pytest.mark.integration


def ics_of(mail: dict[str, Any]) -> list[str] | None:
    request = MailRequestedV1.model_validate(mail)
    if not request.attachments:
        return None
    (file,) = request.attachments
    assert file.content_type == "text/calendar" and file.filename.endswith(".ics")
    return file.content.decode().replace("\r\n ", "").split("\r\n")


async def register(public: httpx.AsyncClient, event_id: str, email: str, **more: str) -> None:
    answer = await public.post(
        f"/events/{event_id}/register?lang=fi",
        data={"name": "Aino Virtanen", "email": email, "consent": "yes", **more},
    )
    assert answer.status_code == 200, answer.text


async def test_seat_mails_carry_the_event_ics_and_the_cancellation_cancels_it(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    event_id = await create(staff, capacity=1)
    await register(public, event_id, "first@example.fi")
    await register(public, event_id, "second@example.fi")
    mails = {m["template_key"]: m for m in await outbox(events_engine, "mail.requested.v1")}
    seat = ics_of(mails["event_confirmation"])
    assert seat is not None
    assert "METHOD:PUBLISH" in seat and "TZID:Europe/Helsinki" in seat
    assert f"UID:{event_id}@digituki" in seat
    assert any(line.startswith("DTSTART;TZID=Europe/Helsinki:") for line in seat)
    assert "secret-room" not in "\n".join(seat)  # the join link stays in the mail's text
    assert mails["event_confirmation"]["variables"]["ics_url"].endswith(f"{event_id}/event.ics")
    assert ics_of(mails["event_waitlisted"]) is None  # no seat, no calendar entry
    download = await public.get(f"/events/{event_id}/event.ics")
    same = download.text.replace("\r\n ", "").split("\r\n")
    stamp = [line for line in seat if not line.startswith("DTSTAMP")]
    assert stamp == [line for line in same if not line.startswith("DTSTAMP")]
    # The staff raise the capacity: the second moves up with the entry; then a new time.
    body = (await staff.get(f"/api/events/events/{event_id}")).json()
    changed = await staff.put(
        f"/api/events/events/{event_id}",
        json=body | {"capacity": 2, "starts_at": soon(hour=10), "ends_at": soon(hour=12)},
        headers={"X-CSRF-Token": CSRF},
    )
    assert changed.status_code == 200, changed.text
    mails_now = await outbox(events_engine, "mail.requested.v1")
    promoted = next(m for m in mails_now if m["template_key"] == "event_promoted")
    assert "METHOD:PUBLISH" in (ics_of(promoted) or [])
    news = [m for m in mails_now if m["template_key"] == "event_changed"]
    assert news and all("METHOD:PUBLISH" in (ics_of(m) or []) for m in news)
    assert any(
        line.startswith("DTSTART;TZID=Europe/Helsinki:") and line.endswith("T100000")
        for line in ics_of(news[0]) or []
    )
    cancelled = await staff.post(
        f"/api/events/events/{event_id}/cancel", headers={"X-CSRF-Token": CSRF}
    )
    assert cancelled.status_code == 200
    notices = [
        m
        for m in await outbox(events_engine, "mail.requested.v1")
        if m["template_key"] == "event_cancelled"
    ]
    assert {m["to_email"] for m in notices} == {"first@example.fi", "second@example.fi"}
    for notice in notices:
        lines = ics_of(notice)
        assert lines is not None
        assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines
        assert f"UID:{event_id}@digituki" in lines
        sequence = int(next(x for x in lines if x.startswith("SEQUENCE:")).split(":")[1])
        before = int(next(x for x in seat if x.startswith("SEQUENCE:")).split(":")[1])
        assert sequence > before
    # One record stays far below Kafka's 1 MB default.
    async with events_engine.connect() as conn:
        biggest = (
            await conn.execute(
                text("SELECT max(length(payload::text)) FROM outbox WHERE topic = :t"),
                {"t": "mail.requested.v1"},
            )
        ).scalar_one()
    assert biggest < 16_000


async def test_the_newsletter_box_is_unticked_and_only_a_tick_asks_contacts(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    event_id = await create(staff)
    for lang in ("fi", "sv", "en"):
        page = await public.get(f"/events/{event_id}?lang={lang}")
        assert 'name="newsletter"' in page.text
        box = page.text.split('id="newsletter"')[1].split(">")[0]
        assert "checked" not in box
    assert (
        "Prenumerera också på Digistöds nyhetsbrev"
        in (await public.get(f"/events/{event_id}?lang=sv")).text
    )
    await register(public, event_id, "plain@example.fi")
    assert await outbox(events_engine, "events.newsletter-signup.v1") == []
    await register(public, event_id, "Reader@Example.fi", newsletter="yes", organisation="Kirjasto")
    # Registered already: the same page, and the request leaves again (contacts decides).
    await register(public, event_id, "reader@example.fi", newsletter="yes")
    asked = await outbox(events_engine, "events.newsletter-signup.v1")
    assert len(asked) == 2
    request = NewsletterSignupRequestedV1.model_validate(asked[0])
    assert request.email == "reader@example.fi" and request.language == "fi"
    assert request.name == "Aino Virtanen" and request.organisation == "Kirjasto"
    assert str(request.event_id) == event_id


async def contacts_outbox(events_engine: AsyncEngine, topic: str) -> list[dict[str, Any]]:
    async with events_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id"), {"t": topic}
        )
        return [json.loads(r.payload) for r in rows]


async def test_contacts_runs_the_join_double_opt_in_for_a_registrant(
    clean_db: dict[str, AsyncEngine],
) -> None:
    contacts = clean_db["contacts"]
    request = NewsletterSignupRequestedV1(
        email="Reader@Example.fi",
        name="Aino Maria Virtanen",
        language="sv",
        organisation="Kirjasto",
        registration_id=uuid.UUID(int=1),
        event_id=uuid.UUID(int=2),
        requested_at=datetime.now(UTC),
    )

    def url(signup_id: uuid.UUID) -> str:
        return f"https://digituki.test/join/confirm/{signup_id}"

    async with contacts.begin() as conn:
        assert (
            await sign_up_from_event(JoinedContactsUnitOfWork(conn), request, confirm_url=url)
            == "asked"
        )
    async with contacts.connect() as conn:
        person = (
            await conn.execute(
                text(
                    "SELECT first_name, last_name, language, subscription_state, confirmed_at "
                    "FROM people WHERE email = 'reader@example.fi'"
                )
            )
        ).one()
    assert (person.first_name, person.last_name, person.language) == (
        "Aino Maria",
        "Virtanen",
        "sv",
    )
    assert person.subscription_state == "pending" and person.confirmed_at is None
    (mail,) = await contacts_outbox(contacts, "mail.requested.v1")
    assert mail["template_key"] == "signup_confirmation" and mail["language"] == "sv"
    assert mail["to_email"] == "reader@example.fi"
    # Asked again within ten minutes: /join's rule, no second mail.
    async with contacts.begin() as conn:
        assert (
            await sign_up_from_event(JoinedContactsUnitOfWork(conn), request, confirm_url=url)
            == "recently_asked"
        )
    assert len(await contacts_outbox(contacts, "mail.requested.v1")) == 1
    # Once subscribed and confirmed, a registrant ticking the box is not asked again.
    async with contacts.begin() as conn:
        await conn.execute(
            text(
                "UPDATE people SET subscription_state = 'subscribed', confirmed_at = now(), "
                "newsletter_consent = true WHERE email = 'reader@example.fi'"
            )
        )
        await conn.execute(text("DELETE FROM signups"))
    async with contacts.begin() as conn:
        assert (
            await sign_up_from_event(JoinedContactsUnitOfWork(conn), request, confirm_url=url)
            == "already_subscribed"
        )
    assert len(await contacts_outbox(contacts, "mail.requested.v1")) == 1
    async with contacts.begin() as conn:
        bad = request.model_copy(update={"email": "not an address"})
        assert (
            await sign_up_from_event(JoinedContactsUnitOfWork(conn), bad, confirm_url=url)
            == "not_an_address"
        )


async def test_the_partner_hears_of_approval_and_decline_in_their_language(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    await staff.post(
        "/api/events/series",
        json={"slug": "dtv-2027", "name": {"fi": "Digitaitoviikko 2027", "sv": "Digiveckan"}},
        headers={"X-CSRF-Token": CSRF},
    )
    form = {
        "organiser": "Bibliotek",
        "submitter_name": "Åsa",
        "submitter_email": "asa@library.example",
        "title_fi": "Työpaja",
        "title_sv": "Verkstad",
        "starts_at": soon(hour=13),
        "ends_at": soon(hour=15),
        "format": "onsite",
        "address": "Biblioteksgatan 1",
        "municipality": "091",
        "languages": "sv",
        "consent": "yes",
    }

    async def submit(title: str) -> str:
        sent = await public.post(
            "/events/series/dtv-2027/submit?lang=sv", data=form | {"title_sv": title}
        )
        assert sent.status_code == 200
        verify = next(
            m
            for m in await outbox(events_engine, "mail.requested.v1")
            if m["template_key"] == "event_submission_verify"
            and m["variables"]["event_title"] == title
        )
        path = "/" + verify["variables"]["verify_url"].split("/", 3)[3]
        assert (await public.post(path)).status_code == 200
        return str(verify["origin_id"]).split(":")[1]

    first = await submit("Verkstad")
    page = await staff.get(f"/events/staff/events/{first}")
    assert 'name="reason"' in page.text and 'for="decline-reason"' in page.text
    approved = await staff.post(f"/events/staff/events/{first}/publish", data={"csrf_token": CSRF})
    assert approved.status_code == 303
    second = await submit("Andra verkstaden")
    declined = await staff.post(
        f"/events/staff/events/{second}/decline",
        data={"csrf_token": CSRF, "reason": "Samma dag som ett annat evenemang."},
    )
    assert declined.status_code == 303
    too_long = await staff.post(
        f"/api/events/events/{second}/decline",
        json={"reason": "x" * 2001},
        headers={"X-CSRF-Token": CSRF},
    )
    assert too_long.status_code == 422
    mails = await outbox(events_engine, "mail.requested.v1")
    (yes,) = [m for m in mails if m["template_key"] == "event_submission_approved"]
    (no,) = [m for m in mails if m["template_key"] == "event_submission_declined"]
    assert yes["language"] == no["language"] == "sv"
    assert yes["to_email"] == no["to_email"] == "asa@library.example"
    assert yes["variables"]["event_title"] == "Verkstad"
    assert yes["variables"]["series_name"] == "Digiveckan"
    assert yes["variables"]["event_url"].endswith(f"/events/{first}?lang=sv")
    assert no["variables"]["reason"] == "Samma dag som ett annat evenemang."
    # Declining again, or approving twice, mails nothing more.
    await staff.post(f"/events/staff/events/{second}/decline", data={"csrf_token": CSRF})
    again = await outbox(events_engine, "mail.requested.v1")
    assert len(again) == len(mails)


async def test_an_unconfirmed_submission_declined_gets_no_mail(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    await staff.post(
        "/api/events/series",
        json={"slug": "dtv-2028", "name": {"fi": "Digitaitoviikko 2028"}},
        headers={"X-CSRF-Token": CSRF},
    )
    sent = await public.post(
        "/events/series/dtv-2028/submit?lang=fi",
        data={
            "organiser": "Kirjasto", "submitter_name": "Aino",
            "submitter_email": "someone-else@example.fi", "title_fi": "Työpaja",
            "starts_at": soon(hour=13), "ends_at": soon(hour=15), "format": "online",
            "join_url": "https://meet.example.fi/x", "languages": "fi", "consent": "yes",
        },
    )  # fmt: skip
    assert sent.status_code == 200
    event_id = next(
        e["id"] for e in (await staff.get("/api/events/events")).json() if e["state"] == "submitted"
    )
    page = await staff.get(f"/events/staff/events/{event_id}")
    assert 'name="reason"' not in page.text  # nobody to tell: the address is unproven
    await staff.post(f"/events/staff/events/{event_id}/decline", data={"csrf_token": CSRF})
    keys = [m["template_key"] for m in await outbox(events_engine, "mail.requested.v1")]
    assert keys == ["event_submission_verify"]


async def test_registrations_as_a_workbook_are_audited_and_defused(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    event_id = await create(staff, capacity=1)
    await register(public, event_id, "first@example.fi", organisation="=HYPERLINK(1)")
    await register(public, event_id, "second@example.fi", accessibility_needs="Pyörätuoli")
    answer = await staff.get(f"/events/staff/events/{event_id}/registrations.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert answer.headers["cache-control"] == "no-store"
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Nimi", "Sähköposti", "Organisaatio", "Saavutettavuus- tai muut tarpeet"]
    assert rows[1][2] == "'=HYPERLINK(1)"  # text, never a formula
    assert rows[1][5] == "Ilmoittautunut" and rows[2][5] == "Jonossa"
    assert rows[2][3] == "Pyörätuoli" and rows[1][7] == "Ei"
    audits = [
        a
        for a in await outbox(events_engine, "staff.audit.v1")
        if a["action"] == "event.registrations.exported"
    ]
    assert [a["details"] for a in audits] == [{"rows": 2, "format": "xlsx"}]
    viewer = await staff.get(
        f"/events/staff/events/{event_id}/registrations.xlsx",
        headers={"X-Staff-Role": "viewer"},
    )
    assert viewer.status_code == 200


async def test_a_replayed_request_asks_once_through_contacts_inbox(
    clean_db: dict[str, AsyncEngine],
) -> None:
    """The consumer's inbox, not the ten-minute rule, makes a replay a no-op: with the
    first signup gone, the same record again still changes nothing."""
    from contacts.tables import inbox

    from shared.consuming import Consumption
    from shared.events.envelope import CloudEvent, new_event
    from tests.integration.test_inbox import ParkedList, record_of

    contacts = clean_db["contacts"]

    async def handler(uow: JoinedContactsUnitOfWork, event: CloudEvent) -> None:
        await sign_up_from_event(
            uow,
            event.parse(NewsletterSignupRequestedV1),
            confirm_url=lambda s: f"https://digituki.test/join/confirm/{s}",
        )

    consumption = Consumption(
        consumer="contacts.event-newsletter-signups",
        engine=contacts,
        unit_of_work=JoinedContactsUnitOfWork,
        handler=handler,
        dead_letters=ParkedList(),
        inbox=inbox,
        retries=0,
        backoff_s=0,
    )
    event = new_event(
        source="/events",
        data=NewsletterSignupRequestedV1(
            email="replay@example.fi",
            name="Aino",
            registration_id=uuid.UUID(int=3),
            event_id=uuid.UUID(int=4),
            requested_at=datetime.now(UTC),
        ),
    )
    await consumption.one(record_of(event))
    async with contacts.begin() as conn:
        await conn.execute(text("DELETE FROM signups"))
    await consumption.one(record_of(event, offset=1))
    mails = await contacts_outbox(contacts, "mail.requested.v1")
    assert [m["template_key"] for m in mails] == ["signup_confirmation"]
