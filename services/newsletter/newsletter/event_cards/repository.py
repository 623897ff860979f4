"""The replica of published events: version-guarded upserts, and the upcoming ones."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.event_cards.domain import ListedEvent
from newsletter.tables import event_listing
from shared.versioned import upsert_newest


async def upsert(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """The newest version of each event in the batch; an older or repeated one changes
    nothing (at-least-once delivery)."""
    await upsert_newest(conn, event_listing, "event_id", rows)


def _listed(row: Any) -> ListedEvent:
    return ListedEvent(
        event_id=row.event_id,
        title=dict(row.title),
        starts_at=row.starts_at,
        online=row.online,
        url=row.url,
        municipality=row.municipality,
        state=row.state,
        languages=tuple(row.languages),
    )


async def upcoming(conn: AsyncConnection, *, now: datetime, limit: int = 200) -> list[ListedEvent]:
    """Published events that have not ended, soonest first."""
    t = event_listing
    stmt = (
        select(t)
        .where(t.c.state == "published", t.c.ends_at > now)
        .order_by(t.c.starts_at, t.c.event_id)
        .limit(limit)
    )
    return [_listed(r) for r in (await conn.execute(stmt)).all()]


async def get(conn: AsyncConnection, event_id: uuid.UUID) -> ListedEvent | None:
    row = (
        await conn.execute(select(event_listing).where(event_listing.c.event_id == event_id))
    ).first()
    return _listed(row) if row else None
