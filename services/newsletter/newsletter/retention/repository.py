"""What the retention job keeps of a campaign: the counts written when raw rows go, and the
readers that add them to the raw rows' figures, so a campaign reads the same before and after.

Unique opens and clicks stay exact: a mail is counted unique in the retained counts only on its
first event of the batch, and only when none of its events of that kind (and link) stays raw;
one that does is counted from the raw rows instead (docs/privacy.md "Figures after retention").
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    cast,
    delete,
    exists,
    extract,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Insert
from sqlalchemy.sql.elements import ColumnElement

from newsletter.tables import (
    campaigns,
    contact_snapshot,
    deliveries,
    delivery_counts,
    tracking_daily_counts,
    tracking_events,
)

HOURS = 48  # the statistics' hourly series (statistics/repository.py)


def _utc_day(column: Any) -> ColumnElement[Any]:
    return cast(func.timezone("UTC", column), Date)


def _hour_since_send(at: Any, start: Any) -> ColumnElement[Any]:
    hour = cast(func.floor(extract("epoch", at - start) / 3600), Integer)
    in_series = and_(at >= start, at < start + timedelta(hours=HOURS))
    return case((in_series, hour), else_=None)


def count_tracking(old: list[ColumnElement[bool]], cutoff: datetime) -> Insert:
    """INSERT … SELECT of the old events' counts (before they are deleted)."""
    te, later = tracking_events, tracking_events.alias("later")
    same_mail = [later.c.delivery_id == te.c.delivery_id, later.c.kind == te.c.kind]
    stays = exists().where(*same_mail, later.c.at >= cutoff)
    stays_for_link = exists().where(
        *same_mail, later.c.at >= cutoff, later.c.url.is_not_distinct_from(te.c.url)
    )
    order = [te.c.at, te.c.id]
    first = func.row_number().over(partition_by=[te.c.delivery_id, te.c.kind], order_by=order)
    first_for_link = func.row_number().over(
        partition_by=[te.c.delivery_id, te.c.kind, te.c.url], order_by=order
    )
    batch = (
        select(
            te.c.campaign_id,
            _utc_day(te.c.at).label("day"),
            te.c.kind,
            te.c.url,
            _hour_since_send(te.c.at, campaigns.c.send_started_at).label("hour"),
            and_(first == 1, ~stays).label("unique"),
            and_(first_for_link == 1, ~stays_for_link).label("unique_for_link"),
        )
        .select_from(te.outerjoin(campaigns, campaigns.c.id == te.c.campaign_id))
        .where(*old, te.c.campaign_id.is_not(None))
        .subquery()
    )
    keys = [batch.c.campaign_id, batch.c.day, batch.c.kind, batch.c.url, batch.c.hour]
    return insert(tracking_daily_counts).from_select(
        ["campaign_id", "day", "kind", "url", "hour", "events", "deliveries", "url_deliveries"],
        select(
            *keys,
            func.count(),
            func.count().filter(batch.c.unique),
            func.count().filter(batch.c.unique_for_link),
        ).group_by(*keys),
    )


def count_deliveries(old: list[ColumnElement[bool]]) -> Insert:
    """INSERT … SELECT of the old deliveries' counts, with who had unsubscribed by then."""
    d = deliveries
    created = _utc_day(d.c.created_at)
    unsubscribed = contact_snapshot.c.subscription_state == "unsubscribed"
    return insert(delivery_counts).from_select(
        ["origin", "campaign_id", "day", "status", "deliveries", "unsubscribed"],
        select(
            d.c.origin,
            d.c.campaign_id,
            created,
            d.c.status,
            func.count(),
            func.count().filter(unsubscribed),
        )
        .select_from(d.outerjoin(contact_snapshot, contact_snapshot.c.contact_id == d.c.contact_id))
        .where(*old)
        .group_by(d.c.origin, d.c.campaign_id, created, d.c.status),
    )


def add(raw: dict[str, int], retained: dict[str, int]) -> dict[str, int]:
    return {k: raw.get(k, 0) + retained.get(k, 0) for k in raw.keys() | retained.keys()}


async def status_counts(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, int]:
    dc = delivery_counts
    stmt = (
        select(dc.c.status, func.sum(dc.c.deliveries))
        .where(dc.c.campaign_id == campaign_id)
        .group_by(dc.c.status)
    )
    return {status: int(n) for status, n in await conn.execute(stmt)}


async def unsubscribed(conn: AsyncConnection, campaign_id: uuid.UUID) -> int:
    dc = delivery_counts
    stmt = select(func.coalesce(func.sum(dc.c.unsubscribed), 0)).where(
        dc.c.campaign_id == campaign_id
    )
    return int((await conn.execute(stmt)).scalar_one())


async def totals(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, dict[str, int]]:
    tc = tracking_daily_counts
    stmt = (
        select(tc.c.kind, func.sum(tc.c.events), func.sum(tc.c.deliveries))
        .where(tc.c.campaign_id == campaign_id)
        .group_by(tc.c.kind)
    )
    return {k: {"total": int(t), "unique": int(u)} for k, t, u in await conn.execute(stmt)}


async def per_link(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, list[int]]:
    """{url: [total, unique]} of the retained clicks."""
    tc = tracking_daily_counts
    stmt = (
        select(tc.c.url, func.sum(tc.c.events), func.sum(tc.c.url_deliveries))
        # Rows counted before links were kept (migration 0010) have none: totals only.
        .where(tc.c.campaign_id == campaign_id, tc.c.kind == "click", tc.c.url.is_not(None))
        .group_by(tc.c.url)
    )
    return {url: [int(t), int(u)] for url, t, u in await conn.execute(stmt)}


async def hourly(conn: AsyncConnection, campaign_id: uuid.UUID) -> list[tuple[int, str, int]]:
    """(hour, kind, events) of the retained events of the first 48 hours."""
    tc = tracking_daily_counts
    stmt = (
        select(tc.c.hour, tc.c.kind, func.sum(tc.c.events))
        .where(tc.c.campaign_id == campaign_id, tc.c.hour.is_not(None))
        .group_by(tc.c.hour, tc.c.kind)
    )
    return [(int(h), kind, int(n)) for h, kind, n in await conn.execute(stmt)]


def sent_of_campaign() -> Any:
    """Correlated scalar: a campaign's retained sent count (for the campaign list)."""
    dc = delivery_counts
    return (
        select(func.coalesce(func.sum(dc.c.deliveries), 0))
        .where(dc.c.campaign_id == campaigns.c.id, dc.c.status == "sent")
        .scalar_subquery()
    )


def unique_of_campaign(kind: str) -> Any:
    tc = tracking_daily_counts
    return (
        select(func.coalesce(func.sum(tc.c.deliveries), 0))
        .where(tc.c.campaign_id == campaigns.c.id, tc.c.kind == kind)
        .scalar_subquery()
    )


class RetentionRepository(Protocol):
    """Old tracking events and finished deliveries: found, or turned into counts and deleted.
    The dry run and the real run select with the same conditions."""

    async def old_events(self, cutoff: datetime) -> list[uuid.UUID]: ...
    async def old_deliveries(self, cutoff: datetime) -> list[uuid.UUID]: ...
    async def count_and_delete_events(self, cutoff: datetime) -> list[uuid.UUID]:
        """The ids deleted, after their counts went to tracking_daily_counts."""
        ...

    async def count_and_delete_deliveries(self, cutoff: datetime) -> list[uuid.UUID]:
        """The ids deleted, after their counts went to delivery_counts."""
        ...


def _old_events(cutoff: datetime) -> list[ColumnElement[bool]]:
    return [tracking_events.c.at < cutoff]


def _old_deliveries(cutoff: datetime) -> list[ColumnElement[bool]]:
    return [deliveries.c.created_at < cutoff, deliveries.c.status != "pending"]


class RetentionRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _ids(self, stmt: Any) -> list[uuid.UUID]:
        return list((await self._conn.execute(stmt)).scalars())

    async def old_events(self, cutoff: datetime) -> list[uuid.UUID]:
        return await self._ids(select(tracking_events.c.id).where(*_old_events(cutoff)))

    async def old_deliveries(self, cutoff: datetime) -> list[uuid.UUID]:
        return await self._ids(select(deliveries.c.id).where(*_old_deliveries(cutoff)))

    async def count_and_delete_events(self, cutoff: datetime) -> list[uuid.UUID]:
        old = _old_events(cutoff)
        await self._conn.execute(count_tracking(old, cutoff))
        te = tracking_events
        return await self._ids(delete(te).where(*old).returning(te.c.id))

    async def count_and_delete_deliveries(self, cutoff: datetime) -> list[uuid.UUID]:
        old = _old_deliveries(cutoff)
        await self._conn.execute(count_deliveries(old))
        return await self._ids(delete(deliveries).where(*old).returning(deliveries.c.id))
