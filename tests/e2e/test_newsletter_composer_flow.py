"""Composer end to end: a segment from contacts, a two-language campaign scheduled a few seconds
ahead, started by the worker process, mails at the catcher; then pause, resume and cancel."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from newsletter.composer.domain import utc_to_helsinki
from newsletter.tables import contact_snapshot, deliveries
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import STAFF_HEADERS, Workers
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually

API = "/api/newsletter/campaigns"


def person(tag: str, n: int, language: str, region: str) -> dict[str, Any]:
    return {
        "contact_id": uuid.uuid4(),
        "version": 1,
        "email": f"c{n}-{tag}@example.fi",
        "first_name": f"Etu{n}",
        "organisation_name": f"Kirjasto {region}",
        "language": language,
        "subscription_state": "subscribed",
        "confirmed_at": datetime.now(UTC),
        "newsletter_consent": True,
        "email_status": "ok",
    }


async def first_mails_to(addresses: set[str]) -> dict[str, dict[str, Any]]:
    """The first mail each address got (the catcher filters by recipient substring)."""
    out = {}
    for address in addresses:
        if found := await mails_to(address):
            out[address] = found[0]
    return out


def content(region: str) -> dict[str, Any]:
    return {
        lang: {
            "subject": f"{word} {{{{ first_name }}}} ({region})",
            "blocks": [
                {
                    "type": "heading",
                    "text": f"{word} {{{{ first_name }}}}, {{{{ organisation_name }}}}",
                },
                {"type": "button", "text": "Lue", "url": "https://example.fi/lue"},
            ],
        }
        for lang, word in (("fi", "Hei"), ("sv", "Hej"))
    }


async def test_composed_campaign_is_scheduled_and_mailed_in_each_language(
    workers: Workers,
    clean_db: dict[str, AsyncEngine],
    contacts_api: httpx.AsyncClient,
    newsletter_web: httpx.AsyncClient,
) -> None:
    db = clean_db["newsletter"]
    tag = uuid.uuid4().hex[:8]
    region = f"r{tag}"  # an organisation of this test's own (a made-up region code is refused)
    made = await contacts_api.post(
        "/api/contacts/segments",
        json={
            "name": f"Alue {tag}",
            "rule": {"field": "organisation_name", "op": "eq", "value": f"Kirjasto {region}"},
        },
    )
    assert made.status_code == 201, made.text
    segment = made.json()["id"]
    await eventually(
        lambda: newsletter_web.get("/api/newsletter/segments", headers=STAFF_HEADERS),
        lambda r: segment in {s["segment_id"] for s in r.json()},
        timeout=60,
        what="the segment in newsletter's replica",
    )
    people = [person(tag, 1, "fi", region), person(tag, 2, "sv", region),
              person(tag, 3, "en", region), person(tag, 4, "fi", "elsewhere")]  # fmt: skip
    async with db.begin() as conn:
        await conn.execute(insert(contact_snapshot), people)

    body = {
        "name": f"Flow {tag}",
        "content": content(region),
        "fallback_language": "fi",
        "included_segments": [segment],
    }
    campaign = (
        await newsletter_web.post(f"{API}/drafts", json=body, headers=STAFF_HEADERS)
    ).json()["id"]
    audience = (
        await newsletter_web.get(f"{API}/{campaign}/audience", headers=STAFF_HEADERS)
    ).json()
    assert audience["count"] == 3
    at = utc_to_helsinki(datetime.now(UTC) + timedelta(seconds=4))
    scheduled = await newsletter_web.post(
        f"{API}/{campaign}/schedule",
        json={"send_at": at.strftime("%Y-%m-%dT%H:%M:%S")},
        headers=STAFF_HEADERS,
    )
    assert scheduled.status_code == 200, scheduled.text

    wanted = {p["email"] for p in people[:3]}
    mails = await eventually(
        lambda: first_mails_to(wanted),
        lambda m: len(m) == 3,
        timeout=90,
        what="three campaign mails",
    )
    assert mails[people[0]["email"]]["subject"] == f"Hei Etu1 ({region})"
    assert mails[people[1]["email"]]["subject"] == f"Hej Etu2 ({region})"
    assert mails[people[2]["email"]]["subject"] == f"Hei Etu3 ({region})"  # fallback fi
    assert f"Hej Etu2, Kirjasto {region}" in mails[people[1]["email"]]["html"]
    for mail in mails.values():
        headers = dict(mail["headers"])
        assert (
            headers["List-Unsubscribe"].startswith("<")
            and "mailto:unsubscribe+" in headers["List-Unsubscribe"]
        )
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not (await first_mails_to({people[3]["email"]}))
    await eventually(
        lambda: newsletter_web.get(f"{API}/{campaign}", headers=STAFF_HEADERS),
        lambda r: r.json()["status"] == "sent",
        timeout=30,
        what="the campaign marked sent",
    )
    # The outcomes reach contacts over mail.events.v1, named: the staff dashboard shows them.
    row = f'<th scope="row">Flow {tag}</th><td>'
    dashboard = await eventually(
        lambda: contacts_api.get("/staff/", headers={"Accept-Language": "en"}),
        lambda r: row in r.text,
        timeout=60,
        what="the campaign on the contacts dashboard",
    )
    cells = dashboard.text.split(row, 1)[1].split("</tr>")[0].split("<td>")
    assert cells[1].startswith("3</td>")  # sent


async def statuses(db: AsyncEngine, campaign: str) -> dict[str, int]:
    async with db.connect() as conn:
        stmt = (
            select(deliveries.c.status, func.count())
            .where(deliveries.c.campaign_id == uuid.UUID(campaign))
            .group_by(deliveries.c.status)
        )
        return {s: int(n) for s, n in (await conn.execute(stmt)).all()}


async def test_pause_resume_and_cancel_count_what_they_moved(
    workers: Workers, clean_db: dict[str, AsyncEngine], newsletter_web: httpx.AsyncClient
) -> None:
    db = clean_db["newsletter"]
    tag = uuid.uuid4().hex[:8]
    total = 200
    async with db.begin() as conn:
        await conn.execute(
            insert(contact_snapshot), [person(tag, n, "fi", f"p{tag}") for n in range(total)]
        )
    body = {
        "name": f"Pause {tag}",
        "content": {"fi": content(f"p{tag}")["fi"]},
        "fallback_language": "fi",
    }
    campaign = (
        await newsletter_web.post(f"{API}/drafts", json=body, headers=STAFF_HEADERS)
    ).json()["id"]
    assert (await newsletter_web.post(f"{API}/{campaign}/send", headers=STAFF_HEADERS)).json()[
        "recipients"
    ] == total
    paused = (await newsletter_web.post(f"{API}/{campaign}/pause", headers=STAFF_HEADERS)).json()
    assert paused["status"] == "paused"
    resumed = (await newsletter_web.post(f"{API}/{campaign}/resume", headers=STAFF_HEADERS)).json()
    assert resumed["status"] == "sending" and resumed["deliveries"] <= paused["deliveries"]
    cancelled = (
        await newsletter_web.post(f"{API}/{campaign}/cancel", headers=STAFF_HEADERS)
    ).json()
    assert cancelled["status"] == "cancelled"
    # In-flight rows are recorded as sent when their SMTP accept comes back; the rest stay
    # cancelled, and every row is one or the other.
    final = await eventually(
        lambda: statuses(db, campaign),
        lambda s: set(s) <= {"sent", "cancelled"} and sum(s.values()) == total,
        timeout=60,
        what="every row sent or cancelled",
    )
    assert final.get("cancelled", 0) <= cancelled["deliveries"]
    read = (await newsletter_web.get(f"{API}/{campaign}", headers=STAFF_HEADERS)).json()
    assert read["status"] == "cancelled" and read["cancelled_count"] == cancelled["deliveries"]
