"""The delivery a bounce reports on, and marking it bounced."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.tables import deliveries


async def delivery_for_update(conn: AsyncConnection, delivery_id: uuid.UUID) -> RowMapping | None:
    """Locked, so two copies of one DSN processed at once record one bounce."""
    d = deliveries
    stmt = (
        select(
            d.c.id,
            d.c.origin,
            d.c.origin_id,
            d.c.origin_label,
            d.c.origin_group,
            d.c.contact_id,
            d.c.to_email,
            d.c.status,
        )
        .where(d.c.id == delivery_id)
        .with_for_update()
    )
    return (await conn.execute(stmt)).mappings().first()


async def mark_bounced(conn: AsyncConnection, delivery_id: uuid.UUID, detail: str | None) -> None:
    """Also after `sent`: most hard bounces arrive after the relay accepted the mail."""
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(status="bounced", last_error=detail, finished_at=func.now())
    )
