"""Events' mails end to end with real worker processes (issue 16): a registration's
confirmation reaches the SMTP catcher with the event's .ics attached, and "also subscribe to
the newsletter" goes events outbox -> Kafka -> contacts' double opt-in -> its confirmation
mail at the catcher, the person pending until they click.

The databases are not emptied (the workers are running): every test uses new addresses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually

CSRF = "csrf-e2e"
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "X-Staff-Csrf": CSRF}


async def webinar(events_app: httpx.AsyncClient, tag: str) -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=12)
    made = await events_app.post(
        "/api/events/events",
        headers=EDITOR | {"X-CSRF-Token": CSRF},
        json={
            "kind": "webinar",
            "title": {"fi": f"Webinaari {tag}", "en": f"Webinar {tag}"},
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "online": True,
            "join_url": f"https://meet.example.fi/{tag}",
            "capacity": 10,
            "publish": True,
        },
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_the_confirmation_arrives_with_the_event_ics_attached(
    workers: Workers, events_app: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6]
    event_id = await webinar(events_app, tag)
    email = f"ics-{tag}@example.fi"
    answer = await events_app.post(
        f"/events/{event_id}/register?lang=en",
        data={"name": "Aino Virtanen", "email": email, "consent": "yes"},
        headers={"X-Real-IP": "198.51.100.77"},
    )
    assert answer.status_code == 200
    (mail,) = await eventually(lambda: mails_to(email), bool, timeout=60, what="the confirmation")
    assert mail["subject"] == f"Registration confirmed: Webinar {tag}"
    message = message_from_string(mail["raw"], policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(("plain",))
    assert body is not None
    assert f"/events/{event_id}/event.ics" in body.get_content()  # the link stays
    assert f"https://meet.example.fi/{tag}" in body.get_content()
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == f"event-{event_id}.ics"
    assert part.get_param("method") == "PUBLISH"
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    calendar = raw.decode()
    assert "\n" not in calendar.replace("\r\n", "")  # CRLF lines survived SMTP
    lines = calendar.replace("\r\n ", "").split("\r\n")
    assert f"UID:{event_id}@digituki" in lines and "TZID:Europe/Helsinki" in lines
    assert any(line.startswith("DTSTART;TZID=Europe/Helsinki:") for line in lines)
    assert tag not in calendar.split("URL:")[0].split("LOCATION:")[-1]  # no join link in it


async def test_ticking_the_newsletter_box_starts_the_double_opt_in(
    workers: Workers, events_app: httpx.AsyncClient, engines: dict[str, AsyncEngine]
) -> None:
    tag = uuid.uuid4().hex[:6]
    event_id = await webinar(events_app, tag)
    email = f"reader-{tag}@example.fi"
    answer = await events_app.post(
        f"/events/{event_id}/register?lang=sv",
        data={"name": "Åsa Lindqvist", "email": email, "consent": "yes", "newsletter": "yes"},
        headers={"X-Real-IP": "198.51.100.78"},
    )
    assert answer.status_code == 200
    mails = await eventually(
        lambda: mails_to(email), lambda m: len(m) >= 2, timeout=90, what="both mails"
    )
    subjects = [m["subject"] for m in mails]
    confirm = [m for m in mails if "/join/confirm/" in str(m["text"])]
    assert len(confirm) == 1, subjects
    assert any("Webinaari" in s or "Webinar" in s for s in subjects)

    async def person() -> Any:
        async with engines["contacts"].connect() as conn:
            return (
                await conn.execute(
                    text(
                        "SELECT first_name, last_name, language, subscription_state, "
                        "confirmed_at FROM people WHERE email = :e"
                    ),
                    {"e": email},
                )
            ).first()

    row = await eventually(person, lambda r: r is not None, what="the pending person")
    assert (row.first_name, row.last_name, row.language) == ("Åsa", "Lindqvist", "sv")
    assert row.subscription_state == "pending" and row.confirmed_at is None
