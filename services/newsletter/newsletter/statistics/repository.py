"""The delivery counts a campaign's progress is computed from."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.retention import repository as retained
from newsletter.statistics.domain import RATE_WINDOW_S
from newsletter.tables import deliveries


async def status_counts(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, int]:
    d = deliveries
    stmt = select(d.c.status, func.count()).where(d.c.campaign_id == campaign_id)
    rows = (await conn.execute(stmt.group_by(d.c.status))).all()
    raw = {status: int(n) for status, n in rows}
    return retained.add(raw, await retained.status_counts(conn, campaign_id))


async def finished_recently(conn: AsyncConnection, campaign_id: uuid.UUID) -> int:
    """Outcomes recorded in the last RATE_WINDOW_S seconds (the database's clock)."""
    d = deliveries
    since = func.now() - func.make_interval(0, 0, 0, 0, 0, 0, RATE_WINDOW_S)
    stmt = select(func.count()).where(d.c.campaign_id == campaign_id, d.c.finished_at >= since)
    return int((await conn.execute(stmt)).scalar_one())
