"""A campaign's figures: live send progress (staff page, JSON API and the `progress` command)
and its statistics (opens, clicks, links, unsubscribes, bounces, the first 48 hours)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.campaigns import repository as campaigns
from newsletter.errors import NotFound
from newsletter.statistics import repository as rows
from newsletter.statistics.domain import Progress, progress_of
from newsletter.tracking.domain import CLICK, OPEN


async def campaign_progress(engine: AsyncEngine, campaign_id: uuid.UUID) -> Progress:
    # One snapshot: the counts and the rate agree with each other.
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="REPEATABLE READ")
        if await campaigns.get(conn, campaign_id) is None:
            raise NotFound("No such campaign.")
        counts = await rows.status_counts(conn, campaign_id)
        recent = await rows.finished_recently(conn, campaign_id)
    return progress_of(counts, recent)


async def campaign_stats(engine: AsyncEngine, campaign_id: uuid.UUID) -> dict[str, Any]:
    async with engine.connect() as conn:
        campaign = await campaigns.get(conn, campaign_id)
        if campaign is None:
            raise NotFound("No such campaign.")
        counts = await campaigns.delivery_counts(conn, campaign_id)
        totals = await rows.totals(conn, campaign_id)
        links = await rows.per_link(conn, campaign_id)
        start = campaign["send_started_at"]
        hourly = await rows.hourly(conn, campaign_id, start) if start else []
        unsubscribes = await rows.unsubscribed_since_send(conn, campaign_id)
    none = {"total": 0, "unique": 0}
    return {
        "id": campaign_id,
        "tracking": campaign["tracking"],
        "recipients": campaign["recipients"] or 0,
        "sent": counts.get("sent", 0),
        "opens": totals.get(OPEN, none),
        "clicks": totals.get(CLICK, none),
        "links": links,
        "unsubscribes": unsubscribes,
        "bounces": counts.get("bounced", 0) + counts.get("failed", 0),
        "hourly": hourly,
    }


def stats_csv_rows(stats: dict[str, Any]) -> list[list[str | int]]:
    """One table for spreadsheets: section, label, total, unique."""
    rows: list[list[str | int]] = [["section", "label", "total", "unique"]]
    rows.append(["summary", "recipients", stats["recipients"], ""])
    rows.append(["summary", "sent", stats["sent"], ""])
    rows.append(["summary", "opens", stats["opens"]["total"], stats["opens"]["unique"]])
    rows.append(["summary", "clicks", stats["clicks"]["total"], stats["clicks"]["unique"]])
    rows.append(["summary", "unsubscribes", stats["unsubscribes"], ""])
    rows.append(["summary", "bounces", stats["bounces"], ""])
    rows += [["link", link["url"], link["total"], link["unique"]] for link in stats["links"]]
    for h in stats["hourly"]:
        rows.append(["hour_opens", h["hour"], h["opens"], ""])
        rows.append(["hour_clicks", h["hour"], h["clicks"], ""])
    return rows
