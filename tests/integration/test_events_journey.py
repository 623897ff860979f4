"""Issue 16's journey end to end, with the four service workers as real processes (outbox
relays, Kafka, the newsletter's SMTP pipeline and the mail catcher) and the web apps in
process as the proxy would call them:

staff make a feedback survey and a webinar with one seat that uses it; one visitor registers,
a second lands on the waiting list and moves up when the first cancels by the link in their
mail; a partner submits a Digitaitoviikko event, confirms it by the mailed link, staff approve
it and it is in the calendar; staff import the webinar's attendance file; the webinar ends
(the test moves its times into the past: nobody waits for real time); the attendee gets the
feedback survey's personal invitation at the catcher, in their language and naming the event,
answers it, and the staff page of the event shows the answer and links the results.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from events.app import create_app as create_events_app
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.app import create_app as create_surveys_app

from tests.support.infra import Infra
from tests.support.polling import eventually
from tests.support.staff import STAFF_HEADERS
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
    """Events' staff and public clients and surveys' staff and respondent clients."""
    events_app, surveys_app = create_events_app(), create_surveys_app()
    events_transport = httpx.ASGITransport(app=events_app)
    surveys_transport = httpx.ASGITransport(app=surveys_app)
    async with (
        events_app.router.lifespan_context(events_app),
        surveys_app.router.lifespan_context(surveys_app),
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
        }


async def caught(to: str) -> list[dict[str, Any]]:
    """Every mail to `to` at the SMTP catcher, oldest first, with its text part."""
    async with httpx.AsyncClient(base_url=os.environ["MAILCATCHER_URL"]) as client:
        found: list[dict[str, Any]] = (await client.get("/api/messages", params={"to": to})).json()
        return [(await client.get(f"/api/messages/{m['id']}")).json() for m in found]


async def mails(to: str, count: int, what: str) -> list[dict[str, Any]]:
    return await eventually(lambda: caught(to), lambda m: len(m) >= count, timeout=60, what=what)


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

    # One visitor registers; the second waits and moves up when the first cancels.
    first, second = f"first-{tag}@example.fi", f"second-{tag}@example.fi"
    for email, lang, ip in ((first, "en", "198.51.100.31"), (second, "fi", "198.51.100.32")):
        answer = await public.post(
            f"/events/{event_id}/register?lang={lang}",
            data={"name": "Osallistuja Testi", "email": email, "consent": "yes"},
            headers={"X-Real-IP": ip},
        )
        assert answer.status_code == 200
    seat = await mails(first, 1, "the confirmation")
    assert seat[0]["subject"] == f"Registration confirmed: Webinar {tag}"
    # merged later: the confirmation carries the event as an .ics attachment (events-mail).
    waiting = await mails(second, 1, "the waiting list mail")
    assert waiting[0]["subject"].startswith("Olet jonossa")
    assert f"meet.example.fi/{tag}" not in str(waiting[0]["text"])
    cancelled = await public.post(link_in(seat[0], "/events/cancel/"))
    assert cancelled.status_code == 200
    promoted = await mails(second, 2, "the promotion")
    assert promoted[-1]["subject"].startswith("Sait paikan")
    assert f"https://meet.example.fi/{tag}" in str(promoted[-1]["text"])
    # merged later: the second's timeline in contacts shows the registration (events-engagement).

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
    # merged later: the partner is told of the approval by mail, with the .ics (events-mail).

    # Attendance from the webinar platform's file: the second attended.
    imported = await staff.post(
        f"{event_path}/attendance/import",
        data={"csrf_token": CSRF},
        files={"file": ("attendance.csv", f"Name;Email\nTesti;{second}\n".encode(), "text/csv")},
    )
    assert imported.status_code == 200
    # merged later: contacts' segment "attended an event in the last 180 days" now counts the
    # second (events-engagement).

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
    assert not any("/s/" in str(m["text"]) for m in await caught(first))
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
    # merged later: the second's contacts timeline lists the attendance (events-engagement).
