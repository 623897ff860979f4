"""The replica of published events: version-guarded upserts, and the upcoming ones.

`EventListingRepository` is what the use cases see (`uow.event_listing`, or over the
consumer's connection in handlers.py); `EventListingRows` is it in SQL,
tests/unit/fakes/newsletter_event_cards.py in memory."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.event_cards.domain import ListedEvent, ReplicatedEvent
from newsletter.tables import event_listing
from shared.versioned import upsert_newest


class EventListingRepository(Protocol):
    async def keep_newest(self, events: Sequence[ReplicatedEvent]) -> None:
        """The newest version of each event; an older or repeated one changes nothing."""
        ...

    async def upcoming(self, *, now: datetime) -> list[ListedEvent]:
        """Published events that have not ended, soonest first."""
        ...

    async def get(self, event_id: uuid.UUID) -> ListedEvent | None: ...


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


class EventListingRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def keep_newest(self, events: Sequence[ReplicatedEvent]) -> None:
        rows = [asdict(e) | {"languages": list(e.languages)} for e in events]
        await upsert_newest(self._conn, event_listing, "event_id", rows)

    async def upcoming(self, *, now: datetime, limit: int = 200) -> list[ListedEvent]:
        t = event_listing
        stmt = (
            select(t)
            .where(t.c.state == "published", t.c.ends_at > now)
            .order_by(t.c.starts_at, t.c.event_id)
            .limit(limit)
        )
        return [_listed(r) for r in (await self._conn.execute(stmt)).all()]

    async def get(self, event_id: uuid.UUID) -> ListedEvent | None:
        stmt = select(event_listing).where(event_listing.c.event_id == event_id)
        row = (await self._conn.execute(stmt)).first()
        return _listed(row) if row else None
