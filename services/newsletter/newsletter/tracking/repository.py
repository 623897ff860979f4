"""Storing tracking events (statistics/repository.py counts them)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.tables import (
    deliveries,
    tracking_events,
)


async def lock_delivery(conn: AsyncConnection, delivery_id: uuid.UUID) -> RowMapping | None:
    """The delivery row, locked: concurrent opens of one mail then decide "first" one by one."""
    row = (
        await conn.execute(
            select(
                deliveries.c.id,
                deliveries.c.origin,
                deliveries.c.origin_id,
                deliveries.c.origin_label,
                deliveries.c.origin_group,
                deliveries.c.campaign_id,
                deliveries.c.contact_id,
            )
            .where(deliveries.c.id == delivery_id)
            .with_for_update()
        )
    ).first()
    return row._mapping if row else None


async def has_event(conn: AsyncConnection, delivery_id: uuid.UUID, kind: str) -> bool:
    stmt = select(
        exists().where(tracking_events.c.delivery_id == delivery_id, tracking_events.c.kind == kind)
    )
    return bool((await conn.execute(stmt)).scalar())


async def add_event(
    conn: AsyncConnection,
    *,
    delivery_id: uuid.UUID,
    campaign_id: uuid.UUID | None,
    kind: str,
    url: str | None,
    at: datetime,
) -> None:
    await conn.execute(
        insert(tracking_events).values(
            id=uuid.uuid4(),
            delivery_id=delivery_id,
            campaign_id=campaign_id,
            kind=kind,
            url=url,
            at=at,
        )
    )
