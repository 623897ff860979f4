"""Newsletter's retention: old open/click events become daily counts, old finished deliveries
become counts; the rows on the other side of each cut-off, pending deliveries and suppressions
stay; the dry run lists exactly what the real run removes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from newsletter.retention.job import run_retention
from newsletter.settings import NewsletterSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.rows import insert as insert_row

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
CUTOFF = datetime(2025, 10, 28, tzinfo=UTC)  # 13 months before NOW, at midnight UTC
OLD = CUTOFF - timedelta(seconds=1)
KEPT = CUTOFF


async def insert(engine: AsyncEngine, table: str, **values: Any) -> uuid.UUID:
    row_id: uuid.UUID = await insert_row(engine, table, **{"id": uuid.uuid4(), **values})
    return row_id


async def delivery(engine: AsyncEngine, at: datetime, status: str, campaign: Any) -> uuid.UUID:
    return await insert(
        engine,
        "deliveries",
        origin="campaign" if campaign else "transactional",
        priority=1,
        campaign_id=campaign,
        contact_id=uuid.uuid4(),
        language="fi",
        to_email="x@retention.example",
        status=status,
        created_at=at,
    )


async def rows(engine: AsyncEngine, sql: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(text(sql))).mappings()]


async def test_the_real_run_removes_exactly_what_the_dry_run_listed(
    newsletter_engine: AsyncEngine, newsletter_settings: NewsletterSettings
) -> None:
    campaign = uuid.uuid4()
    d1 = await delivery(newsletter_engine, OLD - timedelta(days=1), "sent", campaign)
    d2 = await delivery(newsletter_engine, OLD, "bounced", campaign)
    d3 = await delivery(newsletter_engine, OLD, "sent", None)  # transactional
    pending = await delivery(newsletter_engine, OLD, "pending", campaign)
    kept = await delivery(newsletter_engine, KEPT, "sent", campaign)
    old_events = [
        await insert(
            newsletter_engine,
            "tracking_events",
            delivery_id=d1,
            campaign_id=campaign,
            kind=k,
            at=at,
        )
        for k, at in [("open", OLD), ("open", OLD), ("click", OLD), ("open", OLD - timedelta(1))]
    ]
    old_events.append(
        await insert(
            newsletter_engine,
            "tracking_events",
            delivery_id=d2,
            campaign_id=campaign,
            kind="open",
            at=OLD,
        )
    )
    new_event = await insert(
        newsletter_engine,
        "tracking_events",
        delivery_id=kept,
        campaign_id=campaign,
        kind="open",
        at=KEPT,
    )
    async with newsletter_engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO suppressions (email_hmac, reason) VALUES ('\\x01', 'bounced')")
        )

    dry = await run_retention(newsletter_engine, newsletter_settings, dry_run=True, now=NOW)
    assert dry.tracking_cutoff == CUTOFF
    assert sorted(dry.event_ids) == sorted(old_events)
    assert sorted(dry.delivery_ids) == sorted([d1, d2, d3])
    assert (
        len(await rows(newsletter_engine, "SELECT id FROM tracking_events")) == 6
    )  # nothing changed

    real = await run_retention(newsletter_engine, newsletter_settings, dry_run=False, now=NOW)
    assert sorted(real.event_ids) == sorted(dry.event_ids)
    assert sorted(real.delivery_ids) == sorted(dry.delivery_ids)
    assert [r["id"] for r in await rows(newsletter_engine, "SELECT id FROM tracking_events")] == [
        new_event
    ]
    left = {r["id"] for r in await rows(newsletter_engine, "SELECT id FROM deliveries")}
    assert left == {pending, kept}
    assert len(await rows(newsletter_engine, "SELECT * FROM suppressions")) == 1

    daily = await rows(
        newsletter_engine,
        "SELECT day, kind, events, deliveries FROM tracking_daily_counts ORDER BY day, kind",
    )
    assert daily == [
        {"day": (OLD - timedelta(1)).date(), "kind": "open", "events": 1, "deliveries": 1},
        {"day": OLD.date(), "kind": "click", "events": 1, "deliveries": 1},
        # d1 opened the day before too: it counts as a unique open on its first day only.
        {"day": OLD.date(), "kind": "open", "events": 3, "deliveries": 1},
    ]
    counts = await rows(
        newsletter_engine,
        "SELECT origin, status, sum(deliveries)::int AS n FROM delivery_counts "
        "GROUP BY origin, status ORDER BY origin, status",
    )
    assert counts == [
        {"origin": "campaign", "status": "bounced", "n": 1},
        {"origin": "campaign", "status": "sent", "n": 1},
        {"origin": "transactional", "status": "sent", "n": 1},
    ]
    [audit] = await rows(
        newsletter_engine,
        "SELECT convert_from(payload, 'UTF8')::jsonb AS data FROM outbox "
        "WHERE topic = 'staff.audit.v1'",
    )
    assert audit["data"]["actor_id"] == "system:retention"
    assert audit["data"]["details"]["tracking_events"] == 5
    assert audit["data"]["details"]["deliveries"] == 3
    again = await run_retention(newsletter_engine, newsletter_settings, dry_run=True, now=NOW)
    assert again.counts() == {"tracking_events": 0, "deliveries": 0}
