"""The counts a campaign's progress and statistics are computed from (raw rows plus the
retention job's counts)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Integer, cast, distinct, extract, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.retention import repository as retained
from newsletter.statistics.domain import RATE_WINDOW_S
from newsletter.tables import campaigns, contact_snapshot, deliveries, tracking_events


async def finished_recently(conn: AsyncConnection, campaign_id: uuid.UUID) -> int:
    """Outcomes recorded in the last RATE_WINDOW_S seconds (the database's clock)."""
    d = deliveries
    since = func.now() - func.make_interval(0, 0, 0, 0, 0, 0, RATE_WINDOW_S)
    stmt = select(func.count()).where(d.c.campaign_id == campaign_id, d.c.finished_at >= since)
    return int((await conn.execute(stmt)).scalar_one())


HOURS = 48


async def totals(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, dict[str, int]]:
    """{kind: {"total": n, "unique": deliveries}}."""
    rows = (
        await conn.execute(
            select(
                tracking_events.c.kind,
                func.count(),
                func.count(distinct(tracking_events.c.delivery_id)),
            )
            .where(tracking_events.c.campaign_id == campaign_id)
            .group_by(tracking_events.c.kind)
        )
    ).all()
    found = {kind: {"total": int(t), "unique": int(u)} for kind, t, u in rows}
    for kind, kept in (await retained.totals(conn, campaign_id)).items():
        figures = found.setdefault(kind, {"total": 0, "unique": 0})
        figures["total"] += kept["total"]
        figures["unique"] += kept["unique"]
    return found


async def per_link(conn: AsyncConnection, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = (
        await conn.execute(
            select(
                tracking_events.c.url,
                func.count().label("total"),
                func.count(distinct(tracking_events.c.delivery_id)).label("unique"),
            )
            .where(tracking_events.c.campaign_id == campaign_id, tracking_events.c.kind == "click")
            .group_by(tracking_events.c.url)
            .order_by(func.count().desc(), tracking_events.c.url)
        )
    ).all()
    links = {r.url: [int(r.total), int(r.unique)] for r in rows}
    for url, (total, unique) in (await retained.per_link(conn, campaign_id)).items():
        figures = links.setdefault(url, [0, 0])
        figures[0] += total
        figures[1] += unique
    ordered = sorted(links.items(), key=lambda item: (-item[1][0], item[0] or ""))
    return [{"url": url, "total": t, "unique": u} for url, (t, u) in ordered]


async def hourly(
    conn: AsyncConnection, campaign_id: uuid.UUID, start: datetime
) -> list[dict[str, int]]:
    """Opens and clicks per hour since `start`, for the first 48 hours (every hour listed)."""
    hour = cast(func.floor(extract("epoch", tracking_events.c.at - start) / 3600), Integer)
    rows = (
        await conn.execute(
            select(hour.label("hour"), tracking_events.c.kind, func.count())
            .where(
                tracking_events.c.campaign_id == campaign_id,
                tracking_events.c.at >= start,
                hour < HOURS,
            )
            .group_by(hour, tracking_events.c.kind)
        )
    ).all()
    series = [{"hour": h, "opens": 0, "clicks": 0} for h in range(HOURS)]
    for h, kind, n in [*rows, *await retained.hourly(conn, campaign_id)]:
        series[int(h)]["opens" if kind == "open" else "clicks"] += int(n)
    return series


async def unsubscribed_since_send(conn: AsyncConnection, campaign_id: uuid.UUID) -> int:
    """Recipients whose replica shows them unsubscribed now (the unsubscribe page is contacts'
    and its token names no campaign, so this is the best attribution available here). For
    deliveries the retention job has removed, the count as it stood then."""
    stmt = (
        select(func.count())
        .select_from(
            deliveries.join(
                contact_snapshot, contact_snapshot.c.contact_id == deliveries.c.contact_id
            )
        )
        .where(
            deliveries.c.campaign_id == campaign_id,
            contact_snapshot.c.subscription_state == "unsubscribed",
        )
    )
    raw = int((await conn.execute(stmt)).scalar_one())
    return raw + await retained.unsubscribed(conn, campaign_id)


async def campaign_overview(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Every campaign, newest first, with its sent count and unique opens and clicks (raw rows
    plus retained counts)."""
    sent = (
        select(func.count())
        .where(deliveries.c.campaign_id == campaigns.c.id, deliveries.c.status == "sent")
        .scalar_subquery()
    )

    def unique(kind: str) -> Any:
        return (
            select(func.count(distinct(tracking_events.c.delivery_id)))
            .where(tracking_events.c.campaign_id == campaigns.c.id, tracking_events.c.kind == kind)
            .scalar_subquery()
        )

    stmt = select(
        campaigns.c.id,
        campaigns.c.name,
        campaigns.c.status,
        campaigns.c.tracking,
        campaigns.c.recipients,
        campaigns.c.created_at,
        campaigns.c.send_started_at,
        (sent + retained.sent_of_campaign()).label("sent"),
        (unique("open") + retained.unique_of_campaign("open")).label("opens"),
        (unique("click") + retained.unique_of_campaign("click")).label("clicks"),
    ).order_by(campaigns.c.created_at.desc())
    stmt = stmt.where(campaigns.c.status != "test")  # composer's frozen test-send copies
    return [dict(r._mapping) for r in (await conn.execute(stmt)).all()]


class StatisticsRepository(Protocol):
    """A campaign's figures, each the raw rows plus what retention kept of removed ones (the
    counts by delivery status are `CampaignRepository.delivery_counts`)."""

    async def one_snapshot(self) -> None:
        """What is read after this (in the same unit of work) is one snapshot; first call."""
        ...

    async def finished_recently(self, campaign_id: uuid.UUID) -> int:
        """Outcomes recorded in the last RATE_WINDOW_S seconds."""
        ...

    async def totals(self, campaign_id: uuid.UUID) -> dict[str, dict[str, int]]: ...
    async def per_link(self, campaign_id: uuid.UUID) -> list[dict[str, Any]]: ...
    async def hourly(self, campaign_id: uuid.UUID, start: datetime) -> list[dict[str, int]]: ...
    async def unsubscribed_since_send(self, campaign_id: uuid.UUID) -> int: ...
    async def campaign_overview(self) -> list[dict[str, Any]]:
        """Every campaign but test copies, newest first, with sent, unique opens and clicks."""
        ...


class StatisticsRows:
    """The functions above over the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def one_snapshot(self) -> None:
        await self._conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))

    async def finished_recently(self, campaign_id: uuid.UUID) -> int:
        return await finished_recently(self._conn, campaign_id)

    async def totals(self, campaign_id: uuid.UUID) -> dict[str, dict[str, int]]:
        return await totals(self._conn, campaign_id)

    async def per_link(self, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
        return await per_link(self._conn, campaign_id)

    async def hourly(self, campaign_id: uuid.UUID, start: datetime) -> list[dict[str, int]]:
        return await hourly(self._conn, campaign_id, start)

    async def unsubscribed_since_send(self, campaign_id: uuid.UUID) -> int:
        return await unsubscribed_since_send(self._conn, campaign_id)

    async def campaign_overview(self) -> list[dict[str, Any]]:
        return await campaign_overview(self._conn)
