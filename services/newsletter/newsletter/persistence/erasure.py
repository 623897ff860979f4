"""Anonymising the deliveries and tracking events of erased people."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Uuid, case, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.persistence.tables import deliveries, tracking_events


async def unlink_tracking(conn: AsyncConnection, delivery_ids: Sequence[uuid.UUID]) -> int:
    """Each delivery's events move to one fresh random id: no longer joinable to the mail
    or its person, while unique opens and clicks per campaign still count the same."""
    if not delivery_ids:
        return 0
    fresh = select(
        func.unnest(literal(list(delivery_ids), ARRAY(Uuid))).label("old"),
        func.gen_random_uuid().label("new"),
    ).subquery()
    result = await conn.execute(
        update(tracking_events)
        .where(tracking_events.c.delivery_id == fresh.c.old)
        .values(delivery_id=fresh.c.new)
    )
    return result.rowcount or 0


async def anonymise_deliveries(
    conn: AsyncConnection, contact_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Address, name, personal fill and contact id go; mails not yet sent never will be.
    Returns the ids of the deliveries changed (none the second time)."""
    if not contact_ids:
        return []
    d = deliveries
    result = await conn.execute(
        update(d)
        .where(d.c.contact_id.in_(list(contact_ids)))
        .values(
            contact_id=None,
            to_email=None,
            to_name="",
            variables=text("'{}'::jsonb"),
            status=case((d.c.status == "pending", literal("suppressed")), else_=d.c.status),
            last_error=None,
        )
        .returning(d.c.id)
    )
    return list(result.scalars())
