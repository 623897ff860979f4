"""Issue 16's journey end to end, with the four service workers as real processes (outbox
relays, Kafka, the newsletter's SMTP pipeline and the mail catcher) and the web apps in
process as the proxy would call them:

staff make a feedback survey and a webinar with one seat that uses it; one visitor registers
(the confirmation carries the .ics), a second (a person contacts knows) lands on the waiting
list and moves up when the first cancels by the link in their mail, which their contacts
timeline shows; a partner submits a Digitaitoviikko event, confirms it by the mailed link,
staff approve it, it is in the calendar and the partner is told by mail; staff import the
webinar's attendance file and a contacts segment of attendees counts the second; the webinar
ends (the test moves its times into the past: nobody waits for real time); the attendee gets
the feedback survey's personal invitation at the catcher, in their language and naming the
event, answers it, the staff page of the event shows the answer and links the results, and
their contacts page lists the attendance by the event's title.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from contacts.app import create_app as create_contacts_app
from events.app import create_app as create_events_app
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.app import create_app as create_surveys_app

from tests.support.infra import Infra
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually
from tests.support.staff import EDITOR_HEADERS, STAFF_HEADERS
from tests.support.surveys import SURVEY, answer_all
from tests.support.workers import Workers, running_workers

CSRF = "csrf-journey"
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "X-Staff-Csrf": CSRF}


@pytest.fixture(scope="module")
async def workers(
    infra: Infra, service_env: dict[str, str], topics: str, migrated: dict[str, str]
) -> AsyncIterator[Workers]:
    """Every worker as a real process for this module; the events worker looks for ended
    events every second."""
    env = service_env | {"EVENTS_FEEDBACK_POLL_INTERVAL_S": "1"}
    async with running_workers(infra.kafka, env, topics) as running:
        yield running


@pytest.fixture
async def apps(
    workers: Workers, clean_db: dict[str, AsyncEngine]
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """Events' staff and public clients, surveys' staff and respondent clients, and contacts'
    staff client (timelines and segments)."""
    events_app, surveys_app = create_events_app(), create_surveys_app()
    contacts_app = create_contacts_app()
    events_transport = httpx.ASGITransport(app=events_app)
    surveys_transport = httpx.ASGITransport(app=surveys_app)
    async with (
        events_app.router.lifespan_context(events_app),
        surveys_app.router.lifespan_context(surveys_app),
        contacts_app.router.lifespan_context(contacts_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=contacts_app),
            base_url="http://contacts",
            headers=EDITOR_HEADERS,
        ) as contacts,
        httpx.AsyncClient(
            transport=events_transport, base_url="http://events", headers=EDITOR
        ) as staff,
        httpx.AsyncClient(transport=events_transport, base_url="http://events") as public,
        httpx.AsyncClient(
            transport=surveys_transport, base_url="http://surveys", headers=STAFF_HEADERS
        ) as surveys_staff,
        httpx.AsyncClient(transport=surveys_transport, base_url="http://surveys") as respondent,
    ):
        yield {
            "staff": staff,
            "public": public,
            "surveys_staff": surveys_staff,
            "respondent": respondent,
            "contacts": contacts,
        }


async def mails(to: str, count: int, what: str) -> list[dict[str, Any]]:
    return await eventually(lambda: mails_to(to), lambda m: len(m) >= count, timeout=60, what=what)


def calendar_of(mail: dict[str, Any]) -> tuple[str, str]:
    """The mail's attached .ics: (its METHOD parameter, its text)."""
    message = message_from_string(mail["raw"], policy=policy.default)
    assert isinstance(message, EmailMessage)
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    return str(part.get_param("method")), raw.decode()


def link_in(mail: dict[str, Any], part: str) -> str:
    """The path of the first link in the mail's text whose path contains `part`."""
    url = next(w for w in str(mail["text"]).split() if part in w)
    return "/" + url.split("/", 3)[3]


async def test_webinar_waiting_list_partner_event_attendance_and_feedback(
    apps: dict[str, httpx.AsyncClient], clean_db: dict[str, AsyncEngine]
) -> None:
    staff, public = apps["staff"], apps["public"]
    tag = uuid.uuid4().hex[:6]
    write = {"X-CSRF-Token": CSRF}

    # Staff write the feedback survey in surveys; events learns of it over Kafka.
    survey = SURVEY | {"title": {"fi": f"Palaute {tag}", "sv": f"Respons {tag}"}}
    made_survey = await apps["surveys_staff"].post(
        "/api/surveys/surveys", json={"definition": survey}
    )
    assert made_survey.status_code == 201, made_survey.text
    survey_id = made_survey.json()["id"]
    form = await eventually(
        lambda: staff.get("/events/staff/events/new"),
        lambda page: f"Palaute {tag}" in page.text,
        timeout=60,
        what="the survey in events' form",
    )
    assert f'<option value="{survey_id}">Palaute {tag}</option>' in form.text

    # A webinar with one seat, its feedback survey chosen by name on the staff form.
    start = datetime.now(UTC) + timedelta(days=10)
    local = "%Y-%m-%dT%H:%M"
    helsinki = timedelta(hours=2)  # December: Finnish time is UTC+2
    created = await staff.post(
        "/events/staff/events/new",
        data={
            "csrf_token": CSRF,
            "kind": "webinar",
            "title_fi": f"Webinaari {tag}",
            "title_en": f"Webinar {tag}",
            "starts_at": (start + helsinki).strftime(local),
            "ends_at": (start + helsinki + timedelta(hours=1)).strftime(local),
            "format": "online",
            "join_url": f"https://meet.example.fi/{tag}",
            "capacity": "1",
            "languages": "fi",
            "feedback_survey_id": survey_id,
            "feedback_anonymous": "yes",
        },
    )
    assert created.status_code == 303, created.text
    event_path = created.headers["location"]
    event_id = event_path.rsplit("/", 1)[1]
    assert (await staff.post(f"{event_path}/publish", data={"csrf_token": CSRF})).status_code == 303

    # The second visitor is already in the network (contacts); events learns of them.
    first, second = f"first-{tag}@example.fi", f"second-{tag}@example.fi"
    known = await apps["contacts"].post(
        "/api/contacts/people",
        json={"email": second, "first_name": "Osallistuja", "last_name": "Testi"},
    )
    assert known.status_code == 201, known.text
    person_id = known.json()["id"]

    async def in_events_replica() -> int:
        async with clean_db["events"].connect() as conn:
            found = await conn.execute(
                text("SELECT count(*) FROM contact_snapshot WHERE contact_id = :id"),
                {"id": person_id},
            )
            return int(found.scalar_one())

    await eventually(in_events_replica, bool, timeout=60, what="the person in events' replica")

    # One visitor registers; the second waits and moves up when the first cancels.
    for email, lang, ip in ((first, "en", "198.51.100.31"), (second, "fi", "198.51.100.32")):
        answer = await public.post(
            f"/events/{event_id}/register?lang={lang}",
            data={"name": "Osallistuja Testi", "email": email, "consent": "yes"},
            headers={"X-Real-IP": ip},
        )
        assert answer.status_code == 200
    seat = await mails(first, 1, "the confirmation")
    assert seat[0]["subject"] == f"Registration confirmed: Webinar {tag}"
    method, calendar = calendar_of(seat[0])  # the event in the visitor's calendar
    assert method == "PUBLISH" and f"Webinar {tag}" in calendar.replace("\r\n ", "")
    assert "TZID=Europe/Helsinki" in calendar
    waiting = await mails(second, 1, "the waiting list mail")
    assert waiting[0]["subject"].startswith("Olet jonossa")
    assert f"meet.example.fi/{tag}" not in str(waiting[0]["text"])
    cancelled = await public.post(link_in(seat[0], "/events/cancel/"))
    assert cancelled.status_code == 200
    promoted = await mails(second, 2, "the promotion")
    assert promoted[-1]["subject"].startswith("Sait paikan")
    assert f"https://meet.example.fi/{tag}" in str(promoted[-1]["text"])
    # The second's timeline in contacts shows the waiting list and the seat.
    timeline = await eventually(
        lambda: apps["contacts"].get(f"/api/contacts/people/{person_id}/timeline"),
        lambda r: "event_registered" in r.text,
        timeout=60,
        what="the registration on the contacts timeline",
    )
    assert "event_waitlisted" in timeline.text

    # A partner submits a Digitaitoviikko event; staff approve it; it is in the calendar.
    series = await staff.post(
        "/api/events/series",
        json={"slug": f"digitaitoviikko-{tag}", "name": {"fi": f"Digitaitoviikko {tag}"}},
        headers=write,
    )
    assert series.status_code == 201, series.text
    partner = f"partner-{tag}@library.example"
    sent = await public.post(
        f"/events/series/digitaitoviikko-{tag}/submit",
        data={
            "organiser": "Kirjasto",
            "submitter_name": "Aino Kumppani",
            "submitter_email": partner,
            "title_fi": f"Työpaja {tag}",
            "starts_at": (start + helsinki + timedelta(days=1)).strftime(local),
            "ends_at": (start + helsinki + timedelta(days=1, hours=2)).strftime(local),
            "format": "onsite",
            "address": "Kirjastokatu 1",
            "municipality": "091",
            "languages": "fi",
            "consent": "yes",
            # A partner cannot choose a feedback survey.
            "feedback_survey_id": survey_id,
        },
        headers={"X-Real-IP": "198.51.100.33"},
    )
    assert sent.status_code == 200
    verify = await mails(partner, 1, "the partner's confirmation link")
    confirm_path = link_in(verify[0], "/events/submissions/")
    assert (await public.post(confirm_path)).status_code == 200
    submitted = [
        e for e in (await staff.get("/api/events/events")).json() if e["kind"] == "digitaitoviikko"
    ]
    assert [(e["state"], e["feedback_survey_id"]) for e in submitted] == [("pending", None)]
    partner_event = submitted[0]["id"]
    approved = await staff.post(
        f"/events/staff/events/{partner_event}/publish", data={"csrf_token": CSRF}
    )
    assert approved.status_code == 303
    assert partner_event in (await public.get("/events?kind=digitaitoviikko")).text
    # The partner is told of the approval by mail.
    told = await mails(partner, 2, "the approval mail")
    assert told[-1]["subject"] == f"Tapahtumasi on julkaistu: Työpaja {tag}"

    # Attendance from the webinar platform's file: the second attended.
    imported = await staff.post(
        f"{event_path}/attendance/import",
        data={"csrf_token": CSRF},
        files={"file": ("attendance.csv", f"Name;Email\nTesti;{second}\n".encode(), "text/csv")},
    )
    assert imported.status_code == 200
    # Contacts' segment of those who have attended an event now counts the second.
    rule = {"field": "last_attended_on", "op": "exists", "value": True}

    async def attended() -> int:
        preview = await apps["contacts"].post("/api/contacts/segments/preview", json={"rule": rule})
        assert preview.status_code == 200, preview.text
        return int(preview.json()["count"])

    assert await eventually(attended, bool, timeout=60, what="the attendee in a segment") == 1

    # The webinar ends: its times move into the past (no real waiting).
    async with clean_db["events"].begin() as conn:
        await conn.execute(
            text(
                "UPDATE events SET starts_at = now() - interval '2 hours', "
                "ends_at = now() - interval '1 hour', registration_closes_at = NULL "
                "WHERE id = :id"
            ),
            {"id": event_id},
        )

    # The attendee gets the feedback survey at the catcher, in Finnish, naming the event.
    invitation = await mails(second, 3, "the feedback invitation")
    feedback = invitation[-1]
    assert feedback["subject"] == f"Kiitos osallistumisesta: Webinaari {tag}"
    assert f"Palaute {tag}" in str(feedback["text"])
    token = re.search(r"/s/([0-9a-f]{64})", str(feedback["text"]))
    assert token, feedback["text"]
    # The one who cancelled gets no survey.
    assert not any("/s/" in str(m["text"]) for m in await mails_to(first))
    answered = await answer_all(apps["respondent"], token.group(1))
    assert answered.status_code in (200, 303), answered.text

    # The staff page: the survey, one invitation, one answer, the results' link.
    page = await eventually(
        lambda: staff.get(event_path),
        lambda p: "<dt>Vastauksia tähän mennessä</dt><dd>1</dd>" in p.text,
        timeout=60,
        what="the answer on the event's staff page",
    )
    assert f"Palaute {tag}" in page.text
    assert "<dt>Kutsuja lähetetty</dt><dd>1</dd>" in page.text
    results = re.search(r'href="(/surveys/staff/campaigns/[0-9a-f-]+/results)"', page.text)
    assert results, page.text
    shown = await apps["surveys_staff"].get(results.group(1))
    assert shown.status_code == 200
    # The second's contacts timeline lists the attendance, on their staff page by the title.
    person_page = await apps["contacts"].get(f"/staff/people/{person_id}?lang=en")
    assert "Attended an event" in person_page.text and f"Webinar {tag}" in person_page.text
