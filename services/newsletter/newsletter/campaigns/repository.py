"""Storing and loading campaigns."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.retention import repository as retained
from newsletter.tables import campaigns, deliveries


async def add(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(campaigns).values(**values))


async def get(
    conn: AsyncConnection, campaign_id: uuid.UUID, *, for_update: bool = False
) -> RowMapping | None:
    stmt = select(campaigns).where(campaigns.c.id == campaign_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return row._mapping if row else None


async def get_many(conn: AsyncConnection, ids: set[uuid.UUID]) -> dict[uuid.UUID, RowMapping]:
    rows = (await conn.execute(select(campaigns).where(campaigns.c.id.in_(ids)))).all()
    return {r.id: r._mapping for r in rows}


async def mark_sending(conn: AsyncConnection, campaign_id: uuid.UUID, recipients: int) -> None:
    await conn.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id)
        .values(status="sending", recipients=recipients, send_started_at=func.now())
    )


async def delivery_counts(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, int]:
    """By status, the rows still here plus those the retention job turned into counts."""
    rows = (
        await conn.execute(
            select(deliveries.c.status, func.count())
            .where(deliveries.c.campaign_id == campaign_id)
            .group_by(deliveries.c.status)
        )
    ).all()
    raw = {status: int(n) for status, n in rows}
    return retained.add(raw, await retained.status_counts(conn, campaign_id))


async def update_draft(
    conn: AsyncConnection, campaign_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """New content for a draft; the version moves so compiled templates are never stale."""
    await conn.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id)
        .values(**values, version=campaigns.c.version + 1)
    )


async def set_status(conn: AsyncConnection, campaign_id: uuid.UUID, **values: Any) -> None:
    await conn.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(**values))


async def due(conn: AsyncConnection, limit: int = 10) -> list[uuid.UUID]:
    """Scheduled campaigns whose time has come, locked so two workers never start one twice."""
    stmt = (
        select(campaigns.c.id)
        .where(campaigns.c.status == "scheduled", campaigns.c.scheduled_at <= func.now())
        .order_by(campaigns.c.scheduled_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await conn.execute(stmt)).scalars())


async def finish_done(conn: AsyncConnection) -> list[uuid.UUID]:
    """Sending campaigns without a pending row are sent (paused rows are not pending)."""
    pending = (
        select(deliveries.c.id)
        .where(deliveries.c.campaign_id == campaigns.c.id, deliveries.c.status == "pending")
        .exists()
    )
    stmt = (
        update(campaigns)
        .where(campaigns.c.status == "sending", ~pending)
        .values(status="sent", finished_at=func.now())
        .returning(campaigns.c.id)
    )
    return list((await conn.execute(stmt)).scalars())


async def move_deliveries(
    conn: AsyncConnection, campaign_id: uuid.UUID, *, old: tuple[str, ...], new: str
) -> int:
    """Pause, resume or cancel a campaign's unsent rows; workers only claim `pending` ones."""
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.campaign_id == campaign_id, deliveries.c.status.in_(old))
        .values(status=new)
    )
    return result.rowcount or 0
