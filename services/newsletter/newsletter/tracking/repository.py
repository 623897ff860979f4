"""Storing tracking events (statistics/repository.py counts them): `TrackingRepository` is
what the use cases see, `TrackingRows` its SQL over the unit of work's connection."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.tables import deliveries, tracking_events
from newsletter.tracking.domain import TrackedDelivery, TrackingEvent


class TrackingRepository(Protocol):
    async def lock_delivery(self, delivery_id: uuid.UUID) -> TrackedDelivery | None:
        """The delivery, locked: concurrent opens of one mail decide "first" one by one."""
        ...

    async def has_event(self, delivery_id: uuid.UUID, kind: str) -> bool: ...
    async def add_event(self, event: TrackingEvent) -> None: ...


class TrackingRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def lock_delivery(self, delivery_id: uuid.UUID) -> TrackedDelivery | None:
        d = deliveries
        stmt = (
            select(
                d.c.id,
                d.c.origin,
                d.c.origin_id,
                d.c.origin_label,
                d.c.origin_group,
                d.c.campaign_id,
                d.c.contact_id,
            )
            .where(d.c.id == delivery_id)
            .with_for_update()
        )
        row = (await self._conn.execute(stmt)).mappings().first()
        return TrackedDelivery(**row) if row else None

    async def has_event(self, delivery_id: uuid.UUID, kind: str) -> bool:
        t = tracking_events
        stmt = select(exists().where(t.c.delivery_id == delivery_id, t.c.kind == kind))
        return bool((await self._conn.execute(stmt)).scalar())

    async def add_event(self, event: TrackingEvent) -> None:
        await self._conn.execute(
            insert(tracking_events).values(
                id=uuid.uuid4(),
                delivery_id=event.delivery_id,
                campaign_id=event.campaign_id,
                kind=event.kind,
                url=event.url,
                at=event.at,
            )
        )
