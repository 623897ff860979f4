"""Tracked campaign mail end to end: worker -> SMTP -> click/open -> table and mail.events.v1."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from html import unescape
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from newsletter.campaigns.service import create_campaign, send_now
from newsletter.settings import NewsletterSettings
from newsletter.tables import contact_snapshot, tracking_events
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.tokens import sign
from shared.web.staff import Staff
from tests.e2e.conftest import STAFF_HEADERS, Workers
from tests.support.infra import Infra
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually

STAFF = Staff(id="editor-1", role="editor")
TARGET = "https://example.fi/tapahtumat?a=1&b=2"


def content(tag: str) -> dict[str, Any]:
    return {
        "fi": {
            "subject": f"Uutiskirje {tag}",
            "blocks": [
                {"type": "text", "text": "Tervetuloa {{ first_name }}"},
                {"type": "button", "text": "Ilmoittaudu", "url": TARGET},
            ],
        }
    }


async def mailed_html(to: str) -> str:
    mails = await eventually(
        lambda: mails_to(to), lambda m: len(m) == 1, timeout=30, what=f"a mail to {to}"
    )
    return str(mails[0]["html"])


async def mail_events(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(6)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        out: list[dict[str, Any]] = []
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            for records in (await consumer.getmany(*parts, timeout_ms=500)).values():
                out.extend(json.loads(r.value) for r in records if r.value)
        return out
    finally:
        await consumer.stop()


async def send_to_one(db: AsyncEngine, *, tracking: bool) -> tuple[str, uuid.UUID]:
    tag = uuid.uuid4().hex[:8]
    email = f"track-{tag}@example.fi"
    contact_id = uuid.uuid4()
    async with db.begin() as conn:
        await conn.execute(
            insert(contact_snapshot).values(
                contact_id=contact_id,
                version=1,
                email=email,
                first_name="Aino",
                language="fi",
                subscription_state="subscribed",
                confirmed_at=datetime.now(UTC),
                newsletter_consent=True,
                email_status="ok",
            )
        )
    async with SqlUnitOfWork(db, b"") as uow:
        campaign = await create_campaign(
            uow,
            staff=STAFF,
            name=f"Tracking {tag}",
            content=content(tag),
            default_language="fi",
            topics=[],
            topical=False,
            tracking=tracking,
            audience={"all": [{"field": "email", "op": "eq", "value": email}]},
        )
    key = NewsletterSettings().suppression_secret()
    async with SqlUnitOfWork(db, key) as uow:
        assert (
            await send_now(uow, staff=STAFF, campaign_id=campaign, settings=NewsletterSettings())
            == 1
        )
    return email, campaign


async def events_of(db: AsyncEngine, kind: str) -> list[Any]:
    async with db.connect() as conn:
        stmt = select(tracking_events).where(tracking_events.c.kind == kind)
        return list((await conn.execute(stmt)).all())


async def test_a_tracked_click_is_recorded_published_and_redirected_and_opens_count_once(
    workers: Workers,
    infra: Infra,
    topics: str,
    clean_db: dict[str, AsyncEngine],
    newsletter_web: httpx.AsyncClient,
) -> None:
    db = clean_db["newsletter"]
    email, campaign = await send_to_one(db, tracking=True)
    html = await mailed_html(email)
    clicks = [unescape(t) for t in re.findall(r'href="[^"]*/t/c/([^"]+)"', html)]
    pixels = re.findall(r'src="[^"]*/t/o/([^"]+)\.gif"', html)
    assert clicks and len(pixels) == 1
    assert f'href="{TARGET.replace("&", "&amp;")}"' not in html

    followed = {}
    for token in clicks:
        response = await newsletter_web.get(f"/t/c/{token}")
        assert response.status_code == 302
        followed[response.headers["location"]] = token
    assert TARGET in followed
    for _ in range(2):
        response = await newsletter_web.get(f"/t/o/{pixels[0]}.gif")
        assert response.status_code == 200 and response.headers["content-type"] == "image/gif"

    [click] = [e for e in await events_of(db, "click") if e.url == TARGET]
    assert click.campaign_id == campaign
    assert len(await events_of(db, "open")) == 2

    delivery = str(click.delivery_id)
    topic = f"{topics}mail.events.v1"
    published = await eventually(
        lambda: mail_events(infra.kafka, topic),
        lambda evs: (
            any(e["delivery_id"] == delivery and e["outcome"] == "opened" for e in evs)
            and any(e["delivery_id"] == delivery and e.get("url") == TARGET for e in evs)
        ),
        timeout=30,
        what="opened and clicked on mail.events.v1",
    )
    mine = [e for e in published if e["delivery_id"] == delivery]
    assert [e["outcome"] for e in mine].count("opened") == 1
    assert [e["outcome"] for e in mine].count("clicked") == len(clicks)
    assert {e["url"] for e in mine if e["outcome"] == "clicked"} >= {TARGET}

    stats = (
        await newsletter_web.get(
            f"/api/newsletter/campaigns/{campaign}/stats", headers=STAFF_HEADERS
        )
    ).json()
    assert stats["opens"] == {"total": 2, "unique": 1}
    assert stats["clicks"]["unique"] == 1 and stats["clicks"]["total"] == len(clicks)
    assert sum(h["opens"] for h in stats["hourly"]) == 2 and len(stats["hourly"]) == 48
    csv = await newsletter_web.get(
        f"/api/newsletter/campaigns/{campaign}/stats.csv", headers=STAFF_HEADERS
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert f"link,{TARGET}" in csv.text or f'link,"{TARGET}"' in csv.text

    # A forged or altered click token is refused with a page, never followed.
    keys = NewsletterSettings().token_keys()
    swapped = sign(keys, "unsubscribe", {"d": delivery, "u": "https://evil.example/"})
    altered = clicks[0][:-2] + ("AA" if not clicks[0].endswith("AA") else "BB")
    for bad in (swapped, altered, "k1.garbage"):
        response = await newsletter_web.get(f"/t/c/{bad}")
        assert response.status_code == 400 and "location" not in response.headers
        assert "/privacy" in response.text and "/accessibility" in response.text
    assert len(await events_of(db, "click")) == len(clicks)


async def test_an_untracked_campaign_mail_has_its_own_links_and_no_pixel(
    workers: Workers, clean_db: dict[str, AsyncEngine]
) -> None:
    email, _ = await send_to_one(clean_db["newsletter"], tracking=False)
    html = await mailed_html(email)
    assert "/t/c/" not in html and "/t/o/" not in html
    assert f'href="{TARGET.replace("&", "&amp;")}"' in html
