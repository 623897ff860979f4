"""Idempotent consumption: the event id is recorded in the same transaction as its effect."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def claim_event(
    conn: AsyncConnection, inbox: Table, *, consumer: str, event_id: uuid.UUID
) -> bool:
    """True the first time this consumer sees the event; False for a redelivery."""
    result = await conn.execute(
        insert(inbox)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(inbox.c.event_id)
    )
    return result.first() is not None


async def prune_inbox(conn: AsyncConnection, inbox: Table, *, older_than: timedelta) -> int:
    """Forget ids older than any redelivery could be (Kafka retention bounds it)."""
    cutoff = datetime.now(UTC) - older_than
    result = await conn.execute(delete(inbox).where(inbox.c.processed_at < cutoff))
    return result.rowcount or 0
