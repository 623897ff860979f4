"""A campaign's public anonymous link /s/open/{token}: once per browser, nothing about a person.

Real PostgreSQL; the responses events go through the outbox relay to a real Kafka.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.app import create_app
from surveys.campaigns.domain import HELSINKI
from surveys.open_link.service import make_token
from surveys.settings import SurveysSettings
from surveys.tables import outbox

from shared.outbox.relay import OutboxRelay, RelayConfig, make_producer
from shared.tokens import sign
from tests.support.infra import Infra
from tests.support.kafka_topics import read_topic
from tests.support.polling import eventually
from tests.support.staff import STAFF_HEADERS
from tests.support.surveys import SURVEY

BASE = "https://surveys"  # the slot cookie is Secure outside development


@asynccontextmanager
async def running(settings: SurveysSettings | None = None) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def client(app: FastAPI, ip: str = "192.0.2.1", **headers: str) -> httpx.AsyncClient:
    """A browser of its own (its own cookie jar), behind the proxy at address `ip`."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE,
        headers={"X-Real-IP": ip, **headers},
    )


async def open_campaign(
    app: FastAPI, *, open_link: bool = True, launch: bool = True, mode: str = "identified"
) -> tuple[str, str]:
    """A campaign with a public link only (nobody invited): (campaign id, link path)."""
    async with client(app, **STAFF_HEADERS) as staff:
        survey = await staff.post("/api/surveys/surveys", json={"definition": SURVEY})
        now = datetime.now(UTC)
        created = await staff.post(
            "/api/surveys/campaigns",
            json={
                "survey_id": survey.json()["id"],
                "name": "Avoin kysely",
                "mode": mode,
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=10)).isoformat(),
                "audience": {"any": []},
                "open_link": open_link,
            },
        )
        assert created.status_code == 201, created.text
        campaign_id = created.json()["id"]
        if launch:
            launched = await staff.post(f"/api/surveys/campaigns/{campaign_id}/launch")
            assert launched.json() == {"invited": 0}
        url = (await staff.get(f"/api/surveys/campaigns/{campaign_id}")).json()["open_link_url"]
    assert (url is not None) == open_link
    return campaign_id, httpx.URL(url or "").path


async def answer(browser: httpx.AsyncClient, path: str, uses: str = "yes") -> httpx.Response:
    first = await browser.post(path, data={"page": "0", "action": "next", "q_uses": uses})
    assert first.status_code == 303, first.text
    form = {"page": "1", "action": "submit", "q_recommend": "8"}
    if uses == "no":
        form["q_why_not"] = "Ei tarvetta"
    return await browser.post(path, data=form)


async def relay_responses(engine: AsyncEngine, infra: Infra, topics: str) -> list[Any]:
    """Publish the outbox as the relay does; the surveys.responses.v1 records so far."""
    config = RelayConfig("surveys", "", infra.kafka, topic_prefix=topics)
    producer = make_producer(infra.kafka, client_id="open-link-test")
    await producer.start()
    try:
        await OutboxRelay(engine, outbox, config).publish_batch(producer)
    finally:
        await producer.stop()
    return await read_topic(infra.kafka, f"{topics}surveys.responses.v1")


async def test_two_browsers_answer_once_each_and_a_browser_resumes_its_draft(
    clean_db: dict[str, AsyncEngine], infra: Infra, topics: str
) -> None:
    engine = clean_db["surveys"]
    async with running() as app:
        campaign_id, path = await open_campaign(app)
        async with client(app) as first, client(app) as second:
            page = await first.get(path)
            assert page.status_code == 200 and 'name="q_uses"' in page.text
            assert f'action="{path}?lang=fi"' in page.text  # posts back to the public link
            cookie = page.headers["set-cookie"]
            assert f"survey_open_{uuid.UUID(campaign_id).hex}=" in cookie
            for attribute in ("HttpOnly", "SameSite=lax", "Secure", "Path=/s/", "Max-Age="):
                assert attribute.lower() in cookie.lower(), cookie
            moved = await first.post(path, data={"page": "0", "action": "next", "q_uses": "no"})
            assert moved.status_code == 303
            resumed = await first.get(path)  # same browser: its draft, at page 2
            assert resumed.status_code == 200 and 'name="q_why_not"' in resumed.text
            assert "set-cookie" not in resumed.headers

            form = {"page": "1", "action": "submit", "q_why_not": "Ei tarvetta", "q_recommend": "3"}
            done = await first.post(path, data=form)
            assert done.status_code == 303 and done.headers["location"].startswith(f"{path}/thanks")
            thanks = await first.get(done.headers["location"])
            assert thanks.status_code == 200 and "Kiitos" in thanks.text
            again = await first.get(path)
            assert again.status_code == 409 and "Olet jo vastannut" in again.text
            assert (await first.post(path, data=form)).status_code == 409

            assert (await second.get(path)).status_code == 200
            assert (await answer(second, path)).status_code == 303

        async with client(app, **STAFF_HEADERS) as staff:
            results = await staff.get(f"/api/surveys/campaigns/{campaign_id}/results")
            assert results.json()["responses"] == 2
            page = await staff.get(f"/surveys/staff/campaigns/{campaign_id}")
            # The link (signed anew on each view) and how many answered through it.
            assert "/s/open/k1." in page.text and "sen kautta vastanneita: 2" in page.text

    slot_token = cookie.split("=", 1)[1].split(";", 1)[0]
    async with engine.connect() as conn:
        columns = await conn.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("open_respondents")}
        )
        assert columns == {"token_hash", "campaign_id", "started_on", "answered"}
        slots = (await conn.execute(text("SELECT * FROM open_respondents"))).all()
        assert len(slots) == 2 and all(s.answered for s in slots)
        assert hashlib.sha256(slot_token.encode()).digest() in {bytes(s.token_hash) for s in slots}
        stored = await conn.execute(
            text("SELECT count(*) FROM open_respondents WHERE token_hash = :raw"),
            {"raw": slot_token.encode()},
        )
        assert stored.scalar_one() == 0  # only the hash
        rows = (await conn.execute(text("SELECT * FROM responses"))).mappings().all()
        assert len(rows) == 2
        for row in rows:  # identified campaign, yet open-link answers link to nobody
            for column in ("contact_id", "invitation_id", "submitted_at", "language"):
                assert row[column] is None, column
            assert row["organisation_type"] is None and row["region"] is None
        assert (await conn.execute(text("SELECT count(*) FROM drafts"))).scalar_one() == 0
        assert (await conn.execute(text("SELECT count(*) FROM invitations"))).scalar_one() == 0

    async def published() -> list[Any]:
        found = await relay_responses(engine, infra, topics)
        return [v for h, v in found if h.get("ce_subject") == campaign_id]

    events = await eventually(published, lambda e: len(e) == 2, what="2 responses events")
    assert all(e["contact_id"] is None for e in events)
    records = await read_topic(infra.kafka, f"{topics}surveys.responses.v1")
    today = datetime.now(HELSINKI).date()
    midnight = datetime.combine(today, time(), HELSINKI).astimezone(UTC)
    times = {h["ce_time"] for h, _ in records if h.get("ce_subject") == campaign_id}
    assert all(datetime.fromisoformat(t) == midnight for t in times), times


async def test_closed_unopened_forged_and_linkless_campaigns_get_clear_pages(
    clean_db: dict[str, AsyncEngine],
) -> None:
    async with running() as app, client(app) as browser:
        campaign_id, path = await open_campaign(app)
        token = path.rsplit("/", 1)[1]
        forged = await browser.get(f"{path[:-3]}abc")
        assert forged.status_code == 404 and "Linkki ei toimi" in forged.text
        personal_purpose = sign(SurveysSettings().token_keys(), "survey", {"c": campaign_id})
        assert (await browser.get(f"/s/open/{personal_purpose}")).status_code == 404
        assert (await browser.get(f"/s/open/{token}/thanks")).status_code == 303

        _, unlaunched = await open_campaign(app, launch=False)
        not_open = await browser.get(f"{unlaunched}?lang=en")
        assert not_open.status_code == 403 and "has not opened yet" in not_open.text

        without, _ = await open_campaign(app, open_link=False)
        keys = SurveysSettings().token_keys()
        linkless = await browser.get(f"/s/open/{make_token(keys, uuid.UUID(without))}")
        assert linkless.status_code == 404

        async with clean_db["surveys"].begin() as conn:
            await conn.execute(
                text("UPDATE campaigns SET closes_at = now() - interval '1 minute' WHERE id = :id"),
                {"id": campaign_id},
            )
        closed = await browser.get(f"{path}?lang=sv")
        assert closed.status_code == 410 and "Enkäten har stängt" in closed.text
        posted = await browser.post(path, data={"page": "0", "action": "next", "q_uses": "yes"})
        assert posted.status_code == 410
    async with clean_db["surveys"].connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM open_respondents"))).scalar_one()
    assert count == 0  # no slot for a link that cannot be answered


async def test_new_slots_are_rate_limited_per_ip_with_a_page(
    clean_db: dict[str, AsyncEngine],
) -> None:
    settings = SurveysSettings(open_link_burst=2, open_link_per_minute=0.01)
    async with running(settings) as app:
        _, path = await open_campaign(app)
        async with client(app) as returning:
            assert (await returning.get(path)).status_code == 200
            async with client(app) as fresh:
                assert (await fresh.get(path)).status_code == 200
            async with client(app) as one_too_many:
                limited = await one_too_many.get(f"{path}?lang=en")
            assert limited.status_code == 429 and limited.headers["retry-after"] == "60"
            assert "Too many new answers" in limited.text and "<h1>" in limited.text
            assert "set-cookie" not in limited.headers
            assert (await returning.get(path)).status_code == 200  # its slot exists: no limit
        async with client(app, ip="198.51.100.7") as elsewhere:
            assert (await elsewhere.get(path)).status_code == 200
