"""A campaign's figures: live send progress (staff page, JSON API and the `progress` command)
and its statistics (opens, clicks, links, unsubscribes, bounces, the first 48 hours), over a
`NewsletterUnitOfWork` (they only read)."""

from __future__ import annotations

import uuid
from typing import Any

from newsletter.campaigns.domain import Campaign
from newsletter.errors import NotFound
from newsletter.statistics.domain import Progress, progress_of
from newsletter.tracking.domain import CLICK, OPEN
from newsletter.unit_of_work import NewsletterUnitOfWork


async def _campaign(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID) -> Campaign:
    found = await uow.campaigns.get(campaign_id)
    if found is None:
        raise NotFound("No such campaign.")
    return found


async def campaign_progress(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID) -> Progress:
    """Read first in its unit of work: one snapshot, so the counts and the rate agree."""
    await uow.statistics.one_snapshot()
    await _campaign(uow, campaign_id)
    counts = await uow.campaigns.delivery_counts(campaign_id)
    recent = await uow.statistics.finished_recently(campaign_id)
    return progress_of(counts, recent)


async def campaign_stats(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID) -> dict[str, Any]:
    campaign = await _campaign(uow, campaign_id)
    counts = await uow.campaigns.delivery_counts(campaign_id)
    figures = uow.statistics
    totals = await figures.totals(campaign_id)
    start = campaign.send_started_at
    none = {"total": 0, "unique": 0}
    return {
        "id": campaign_id,
        "tracking": campaign.tracking,
        "recipients": campaign.recipients or 0,
        "sent": counts.get("sent", 0),
        "opens": totals.get(OPEN, none),
        "clicks": totals.get(CLICK, none),
        "links": await figures.per_link(campaign_id),
        "unsubscribes": await figures.unsubscribed_since_send(campaign_id),
        "bounces": counts.get("bounced", 0) + counts.get("failed", 0),
        "hourly": await figures.hourly(campaign_id, start) if start else [],
    }


async def campaign_list(uow: NewsletterUnitOfWork) -> list[dict[str, Any]]:
    """The campaign list of the staff pages: every campaign (test copies not), newest first,
    with its sent count and unique opens and clicks."""
    return await uow.statistics.campaign_overview()


async def campaign_name(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID) -> str:
    return (await _campaign(uow, campaign_id)).name


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
