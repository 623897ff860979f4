"""A campaign's figures (statistics, delivery counts, progress, the campaign list) read the same
before and after the retention job turns its old rows into counts, including unique opens and
clicks of mails whose events straddle the cut-off; the dry run lists what the real run removes."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from newsletter.campaigns import repository as campaign_rows
from newsletter.retention.job import run_retention
from newsletter.settings import NewsletterSettings
from newsletter.statistics import repository as tracking_rows
from newsletter.statistics.service import campaign_progress, campaign_stats
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.rows import insert

SENT_AT = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
# Thirteen months before this is 2024-03-10: the cut-off falls between `late` and `later` below.
SPLIT_NOW = datetime(2025, 4, 10, 12, tzinfo=UTC)
FAR_FUTURE = datetime(2040, 1, 1, tzinfo=UTC)
A, B = "https://a.example/", "https://b.example/"


async def delivery(engine: AsyncEngine, campaign: uuid.UUID, status: str) -> uuid.UUID:
    contact = uuid.uuid4()
    return await insert(
        engine,
        "deliveries",
        id=uuid.uuid4(),
        origin="campaign",
        priority=1,
        campaign_id=campaign,
        contact_id=contact,
        language="fi",
        to_email="x@figures.example",
        status=status,
        created_at=SENT_AT,
        finished_at=SENT_AT + timedelta(minutes=1),
    )


async def event(
    engine: AsyncEngine, campaign: uuid.UUID, mail: uuid.UUID, kind: str, at: datetime, url: Any
) -> uuid.UUID:
    return await insert(
        engine,
        "tracking_events",
        id=uuid.uuid4(),
        delivery_id=mail,
        campaign_id=campaign,
        kind=kind,
        url=url,
        at=at,
    )


async def figures(engine: AsyncEngine, campaign: uuid.UUID) -> dict[str, Any]:
    async with engine.connect() as conn:
        counts = await campaign_rows.delivery_counts(conn, campaign)
        [listed] = [c for c in await tracking_rows.campaign_overview(conn) if c["id"] == campaign]
    key = NewsletterSettings().suppression_secret()
    async with SqlUnitOfWork(engine, key) as uow:
        progress = await campaign_progress(uow, campaign)
    async with SqlUnitOfWork(engine, key) as uow:
        stats = await campaign_stats(uow, campaign)
    return {
        "stats": stats,
        "counts": counts,
        "progress": asdict(progress),
        "list": {k: listed[k] for k in ("sent", "opens", "clicks")},
    }


async def remaining_ids(engine: AsyncEngine, table: str) -> set[uuid.UUID]:
    async with engine.connect() as conn:
        return set((await conn.execute(text(f"SELECT id FROM {table}"))).scalars())


async def run_and_compare(
    engine: AsyncEngine, settings: NewsletterSettings, now: datetime
) -> tuple[int, int]:
    events_before = await remaining_ids(engine, "tracking_events")
    deliveries_before = await remaining_ids(engine, "deliveries")
    dry = await run_retention(engine, settings, dry_run=True, now=now)
    real = await run_retention(engine, settings, dry_run=False, now=now)
    assert sorted(real.event_ids) == sorted(dry.event_ids)
    assert sorted(real.delivery_ids) == sorted(dry.delivery_ids)
    assert events_before - await remaining_ids(engine, "tracking_events") == set(dry.event_ids)
    gone = deliveries_before - await remaining_ids(engine, "deliveries")
    assert gone == set(dry.delivery_ids)
    return len(dry.event_ids), len(dry.delivery_ids)


async def test_campaign_figures_are_the_same_before_and_after_retention(
    newsletter_engine: AsyncEngine, newsletter_settings: NewsletterSettings
) -> None:
    campaign = await insert(
        newsletter_engine,
        "campaigns",
        id=uuid.uuid4(),
        name="Kevät",
        content="{}",
        default_language="fi",
        audience="{}",
        status="sent",
        tracking=True,
        recipients=6,
        send_started_at=SENT_AT,
    )
    sent = [await delivery(newsletter_engine, campaign, "sent") for _ in range(3)]
    await delivery(newsletter_engine, campaign, "bounced")
    await delivery(newsletter_engine, campaign, "failed")
    await delivery(newsletter_engine, campaign, "suppressed")
    await insert(  # one recipient has unsubscribed since
        newsletter_engine,
        "contact_snapshot",
        contact_id=(await contact_of(newsletter_engine, sent[2])),
        version=1,
        subscription_state="unsubscribed",
    )
    first_hour, next_day = SENT_AT + timedelta(minutes=20), SENT_AT + timedelta(hours=30)
    late, later = datetime(2024, 3, 8, 10, tzinfo=UTC), datetime(2024, 3, 12, 10, tzinfo=UTC)
    for mail, kind, at, url in [
        (sent[0], "open", first_hour, None),
        (sent[0], "open", next_day, None),  # the same reader again: one unique open
        (sent[0], "click", first_hour, A),
        (sent[0], "click", next_day, A),
        (sent[0], "click", next_day, B),  # a second link: one unique click overall
        (sent[1], "open", next_day, None),
        (sent[1], "open", late, None),
        (sent[1], "open", later, None),  # still raw after the first run below
        (sent[1], "click", late, B),
        (sent[1], "click", later, B),
        (sent[2], "open", later, None),
    ]:
        await event(newsletter_engine, campaign, mail, kind, at, url)

    before = await figures(newsletter_engine, campaign)
    assert before["stats"]["opens"] == {"total": 6, "unique": 3}
    assert before["stats"]["clicks"] == {"total": 5, "unique": 2}
    assert before["stats"]["unsubscribes"] == 1
    assert before["counts"] == {"sent": 3, "bounced": 1, "failed": 1, "suppressed": 1}
    links = {link["url"]: (link["total"], link["unique"]) for link in before["stats"]["links"]}
    assert links == {A: (2, 1), B: (3, 2)}
    hours = {h["hour"]: (h["opens"], h["clicks"]) for h in before["stats"]["hourly"]}
    assert {h: n for h, n in hours.items() if n != (0, 0)} == {0: (1, 1), 30: (2, 2)}

    # Some of a mail's opens and clicks go, others stay raw; every delivery row goes.
    assert await run_and_compare(newsletter_engine, newsletter_settings, SPLIT_NOW) == (8, 6)
    assert await figures(newsletter_engine, campaign) == before

    assert await run_and_compare(newsletter_engine, newsletter_settings, FAR_FUTURE) == (3, 0)
    assert await remaining_ids(newsletter_engine, "tracking_events") == set()
    assert await remaining_ids(newsletter_engine, "deliveries") == set()
    assert await figures(newsletter_engine, campaign) == before

    again = await run_retention(
        newsletter_engine, newsletter_settings, dry_run=True, now=FAR_FUTURE
    )
    assert again.counts() == {"tracking_events": 0, "deliveries": 0}


async def contact_of(engine: AsyncEngine, mail: uuid.UUID) -> uuid.UUID:
    async with engine.connect() as conn:
        stmt = text("SELECT contact_id FROM deliveries WHERE id = :id")
        return (await conn.execute(stmt, {"id": mail})).scalar_one()
