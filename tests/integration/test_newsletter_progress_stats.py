"""Send progress and the statistics page, against the deliveries table of a real send."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
from newsletter.campaigns.service import send_now
from newsletter.delivery.worker import DeliveryWorker
from newsletter.settings import NewsletterSettings
from newsletter.statistics.domain import Progress
from newsletter.statistics.service import campaign_progress
from newsletter.tables import campaigns, deliveries, tracking_events
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_newsletter_bounces import run_cli
from tests.integration.test_newsletter_delivery import STAFF, add_people, new_campaign, person
from tests.support.polling import eventually

VIEWER = {"X-Staff-Id": "viewer-1", "X-Staff-Role": "viewer"}


async def progress(db: AsyncEngine, settings: NewsletterSettings, campaign: uuid.UUID) -> Progress:
    async with SqlUnitOfWork(db, settings.suppression_secret()) as uow:
        return await campaign_progress(uow, campaign)


async def table_counts(engine: AsyncEngine, campaign_id: uuid.UUID) -> dict[str, int]:
    """What the progress must say, counted straight from the deliveries table."""
    d = deliveries
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(d.c.status, func.count())
                .where(d.c.campaign_id == campaign_id)
                .group_by(d.c.status)
            )
        ).all()
        recent = (
            await conn.execute(
                select(func.count()).where(
                    d.c.campaign_id == campaign_id,
                    d.c.finished_at >= func.now() - timedelta(seconds=60),
                )
            )
        ).scalar_one()
    counts = {status: int(n) for status, n in rows}
    return {
        "total": sum(counts.values()),
        "sent": counts.get("sent", 0),
        "failed": counts.get("bounced", 0) + counts.get("failed", 0),
        "remaining": counts.get("pending", 0),
        "recent": int(recent),
    }


async def run_worker_until(
    engine: AsyncEngine, settings: NewsletterSettings, done: Callable[[], Awaitable[bool]]
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(engine, settings).run(stop))
    try:
        await eventually(done, bool, timeout=90, what="the send got that far")
    finally:
        stop.set()
        await task


async def test_progress_equals_the_deliveries_table_during_and_after_a_send(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6]
    people = [person(email=f"p{i}-{tag}@example.fi") for i in range(240)]
    people += [person(email=f"bounce-5xx-{i}-{tag}@example.fi") for i in range(3)]
    await add_people(db, people)
    campaign = await new_campaign(db)
    # Slow enough to stop the worker half way.
    settings = NewsletterSettings(send_rate_per_s=120, claim_batch_size=20, record_batch_size=10)
    async with SqlUnitOfWork(db, settings.suppression_secret()) as uow:
        await send_now(uow, staff=STAFF, campaign_id=campaign, settings=settings)

    async def some_sent() -> bool:
        return (await table_counts(db, campaign))["sent"] >= 60

    await run_worker_until(db, settings, some_sent)
    during = await progress(db, settings, campaign)
    counted = await table_counts(db, campaign)
    assert (during.total, during.sent, during.failed, during.remaining) == (
        counted["total"], counted["sent"], counted["failed"], counted["remaining"],
    )  # fmt: skip
    assert during.total == 243 and during.remaining > 0 and not during.done
    assert during.rate_per_min == counted["recent"] > 0
    assert during.eta_s is not None and during.eta_s > 0
    api = (
        await newsletter_web.get(f"/api/newsletter/campaigns/{campaign}/progress", headers=VIEWER)
    ).json()
    assert (api["sent"], api["remaining"], api["done"]) == (during.sent, during.remaining, False)
    page = await newsletter_web.get(
        f"/newsletter/staff/campaigns/{campaign}/progress", headers=VIEWER
    )
    assert page.status_code == 200
    assert '<meta http-equiv="refresh"' in page.text  # works without JavaScript
    assert "/static/campaign_progress.js" in page.text and "<script>" not in page.text

    async def all_done() -> bool:
        return (await table_counts(db, campaign))["remaining"] == 0

    await run_worker_until(db, settings, all_done)
    after = await progress(db, settings, campaign)
    assert (after.sent, after.failed, after.remaining, after.done) == (240, 3, 0, True)
    assert after.eta_s is None and after.percent == 100
    page = await newsletter_web.get(
        f"/newsletter/staff/campaigns/{campaign}/progress", headers=VIEWER
    )
    assert "http-equiv" not in page.text
    out = await asyncio.to_thread(run_cli, "progress", str(campaign))
    assert "100 %" in out and "sent 240" in out and "failed 3" in out


async def test_stats_page_shows_charts_with_tables_and_says_when_tracking_is_off(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    tracked = await new_campaign(db, tracking=True)
    untracked = await new_campaign(db, name="Yksityinen")
    started = datetime.now(UTC) - timedelta(hours=3)
    delivery = uuid.uuid4()
    async with db.begin() as conn:
        await conn.execute(
            update(campaigns).where(campaigns.c.id == tracked).values(send_started_at=started)
        )
        await conn.execute(
            insert(deliveries).values(
                id=delivery, origin="campaign", priority=1, campaign_id=tracked,
                contact_id=uuid.uuid4(), language="fi", to_email="a@example.fi", status="sent",
            )
        )  # fmt: skip
        await conn.execute(
            insert(tracking_events),
            [
                {"id": uuid.uuid4(), "delivery_id": delivery, "campaign_id": tracked,
                 "kind": kind, "url": url, "at": started + timedelta(minutes=m)}
                for kind, url, m in (
                    ("open", None, 5), ("open", None, 70),
                    ("click", "https://example.fi/<tapahtuma>", 75),
                )
            ],
        )  # fmt: skip

    page = await newsletter_web.get(f"/newsletter/staff/campaigns/{tracked}/stats", headers=VIEWER)
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count('role="img"') >= 3  # delivery, opens and clicks per hour, links
    assert 'id="engagement-figures"' in html and 'id="link-figures"' in html
    assert "https://example.fi/&lt;tapahtuma&gt;" in html and "<tapahtuma>" not in html
    assert f'href="/api/newsletter/campaigns/{tracked}/stats.csv"' in html
    assert '<th scope="row">1–2 h</th><td>1</td><td>1</td>' in html  # second hour's figures
    assert 'id="tracking-off"' not in html

    quiet = (
        await newsletter_web.get(f"/newsletter/staff/campaigns/{untracked}/stats", headers=VIEWER)
    ).text
    assert 'id="tracking-off"' in quiet and 'id="engagement-figures"' not in quiet
    missing = await newsletter_web.get(
        f"/newsletter/staff/campaigns/{uuid.uuid4()}/stats", headers=VIEWER
    )
    assert missing.status_code == 404
