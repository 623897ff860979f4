"""The feedback survey after an event, events' side, against real PostgreSQL: staff choose a
survey by its name (the replica of surveys.survey.v1), the worker's run asks each attendee
with a seat once after the end (not the no-show, the waiting list or a cancelled one, and not
again after a restart), and the staff page shows the counts surveys reports."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from events.feedback.repository import upsert_status, upsert_surveys
from events.feedback.service import request_due_feedback
from events.unit_of_work import unit_of_work
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.events import CSRF

SURVEY = uuid.UUID("00000000-0000-4000-8000-00000000f00d")
WEEK = timedelta(days=7)


async def offer_survey(events_engine: AsyncEngine) -> None:
    async with events_engine.begin() as conn:
        await upsert_surveys(
            conn,
            [
                {
                    "survey_id": SURVEY,
                    "version": 2,
                    "title": {"fi": "Tapahtumapalaute", "sv": "Evenemangsrespons"},
                    "state": "active",
                    "languages": ["fi", "sv"],
                }
            ],
        )
        # An older version arriving late changes nothing.
        await upsert_surveys(
            conn,
            [
                {
                    "survey_id": SURVEY,
                    "version": 1,
                    "title": {"fi": "Vanha nimi"},
                    "state": "active",
                    "languages": ["fi"],
                }
            ],
        )


async def outbox(events_engine: AsyncEngine, topic: str) -> list[dict[str, Any]]:
    async with events_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id"), {"t": topic}
        )
        return [json.loads(r.payload) for r in rows]


def event_body(**changes: Any) -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(days=3)
    body: dict[str, Any] = {
        "kind": "webinar",
        "title": {"fi": "Digitaidot tutuksi", "sv": "Digitala färdigheter"},
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "online": True,
        "join_url": "https://meet.example.fi/room",
        "capacity": 2,
        "languages": ["fi", "sv"],
        "publish": True,
        "feedback_survey_id": str(SURVEY),
    }
    return body | changes


async def test_staff_choose_a_survey_by_name_and_an_unknown_one_is_refused(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, _ = events_clients
    unknown = await staff.post(
        "/api/events/events", json=event_body(), headers={"X-CSRF-Token": CSRF}
    )
    assert unknown.status_code == 404
    await offer_survey(events_engine)
    form = await staff.get("/events/staff/events/new")
    assert '<option value="00000000-0000-4000-8000-00000000f00d">Tapahtumapalaute</option>' in (
        form.text
    )
    assert 'id="feedback_anonymous" name="feedback_anonymous" value="yes" checked' in form.text
    made = await staff.post("/api/events/events", json=event_body(), headers={"X-CSRF-Token": CSRF})
    assert made.status_code == 201, made.text
    assert made.json()["feedback_survey_id"] == str(SURVEY)
    page = await staff.get(f"/events/staff/events/{made.json()['id']}")
    assert "Tapahtumapalaute" in page.text and "Palautekyselyn tulokset" not in page.text


async def test_each_attendee_with_a_seat_is_asked_once_after_the_end(
    events_clients: tuple[httpx.AsyncClient, httpx.AsyncClient], events_engine: AsyncEngine
) -> None:
    staff, public = events_clients
    await offer_survey(events_engine)
    made = await staff.post("/api/events/events", json=event_body(), headers={"X-CSRF-Token": CSRF})
    event_id = made.json()["id"]
    people = [("Aino Attendee", "aino@example.fi", "fi"), ("Nils No-show", "nils@example.fi", "sv")]
    people.append(("Wilma Waiting", "wilma@example.fi", "fi"))
    for name, email, lang in people:
        answer = await public.post(
            f"/events/{event_id}/register?lang={lang}",
            data={"name": name, "email": email, "consent": "yes"},
        )
        assert answer.status_code == 200
    async with events_engine.begin() as conn:
        # Wilma waits; Aino and Wilma are marked attended (Wilma came without a seat).
        await conn.execute(
            text(
                "UPDATE registrations SET attended_at = now() "
                "WHERE email IN ('aino@example.fi', 'wilma@example.fi')"
            )
        )
    assert await request_due_feedback(unit_of_work(events_engine), max_age=WEEK) == 0  # not ended
    async with events_engine.begin() as conn:  # the event is over
        await conn.execute(
            text(
                "UPDATE events SET starts_at = now() - interval '2 hours', "
                "ends_at = now() - interval '1 hour', registration_closes_at = NULL"
            )
        )
    assert await request_due_feedback(unit_of_work(events_engine), max_age=WEEK) == 1
    assert await request_due_feedback(unit_of_work(events_engine), max_age=WEEK) == 0  # once
    asked = await outbox(events_engine, "events.feedback_requested.v1")
    assert len(asked) == 1
    request = asked[0]
    assert (request["email"], request["name"], request["language"]) == (
        "aino@example.fi",
        "Aino Attendee",
        "fi",
    )
    assert request["survey_id"] == str(SURVEY) and request["anonymous"] is True
    assert request["event_title"]["sv"] == "Digitala färdigheter"
    async with events_engine.begin() as conn:
        await upsert_status(
            conn,
            [
                {
                    "event_id": uuid.UUID(event_id),
                    "survey_id": SURVEY,
                    "campaign_id": SURVEY,
                    "version": 3,
                    "invited": 1,
                    "answered": 1,
                    "anonymous": True,
                    "results_path": f"/surveys/staff/campaigns/{SURVEY}/results",
                }
            ],
        )
    page = await staff.get(f"/events/staff/events/{event_id}")
    assert f'href="/surveys/staff/campaigns/{SURVEY}/results"' in page.text
    assert "<dt>Kutsuja lähetetty</dt><dd>1</dd>" in page.text
    assert "<dt>Vastauksia tähän mennessä</dt><dd>1</dd>" in page.text
