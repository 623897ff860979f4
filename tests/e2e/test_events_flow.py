"""Events end to end with real worker processes: staff publish a webinar with one seat, two
people register, the first cancels with the link in their mail and the second moves up; every
mail goes events outbox -> Kafka -> the newsletter worker -> SMTP and is read at the catcher
(the join link only in the mails of seat holders)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.conftest import Workers
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually

CSRF = "csrf-e2e"
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "X-Staff-Csrf": CSRF}


@pytest.mark.usefixtures("clean_db")
async def test_register_wait_cancel_promote_with_mails_at_the_catcher(
    workers: Workers, events_app: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6]
    start = datetime.now(UTC) + timedelta(days=10)
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
            "capacity": 1,
            "publish": True,
        },
    )
    assert made.status_code == 201, made.text
    event_id = made.json()["id"]
    first, second = f"first-{tag}@example.fi", f"second-{tag}@example.fi"
    for email, lang in ((first, "en"), (second, "fi")):
        answer = await events_app.post(
            f"/events/{event_id}/register?lang={lang}",
            data={"name": "Osallistuja", "email": email, "consent": "yes"},
            headers={"X-Real-IP": f"198.51.100.{len(email)}"},
        )
        assert answer.status_code == 200
    seat = await eventually(lambda: mails_to(first), bool, timeout=60, what="the confirmation")
    assert seat[0]["subject"] == f"Registration confirmed: Webinar {tag}"
    text = str(seat[0]["text"])
    assert f"https://meet.example.fi/{tag}" in text
    assert f"/events/{event_id}/event.ics" in text
    waiting = await eventually(lambda: mails_to(second), bool, timeout=60, what="the waiting list")
    assert waiting[0]["subject"].startswith("Olet jonossa")
    assert f"meet.example.fi/{tag}" not in str(waiting[0]["text"])
    cancel_url = next(w for w in text.split() if "/events/cancel/" in w)
    cancelled = await events_app.post("/" + cancel_url.split("/", 3)[3])
    assert cancelled.status_code == 200
    promoted = await eventually(
        lambda: mails_to(second), lambda m: len(m) >= 2, timeout=60, what="the promotion"
    )
    assert promoted[-1]["subject"].startswith("Sait paikan")
    assert f"https://meet.example.fi/{tag}" in str(promoted[-1]["text"])
