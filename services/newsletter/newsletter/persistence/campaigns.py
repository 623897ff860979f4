"""Storing and loading campaigns."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.persistence.tables import campaigns, deliveries


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
    rows = (
        await conn.execute(
            select(deliveries.c.status, func.count())
            .where(deliveries.c.campaign_id == campaign_id)
            .group_by(deliveries.c.status)
        )
    ).all()
    return {status: int(n) for status, n in rows}
