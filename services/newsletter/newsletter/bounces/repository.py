"""The delivery a bounce reports on, marking it bounced and suppressing its address:
`BounceRepository` is what the use case sees, `BounceRows` its SQL."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.bounces.domain import BouncedDelivery
from newsletter.suppression import repository as suppressions
from newsletter.tables import deliveries


class BounceRepository(Protocol):
    async def delivery_for_update(self, delivery_id: uuid.UUID) -> BouncedDelivery | None:
        """Locked, so two copies of one DSN processed at once record one bounce."""
        ...

    async def mark_bounced(self, delivery_id: uuid.UUID, detail: str | None) -> None:
        """Also after `sent`: most hard bounces arrive after the relay accepted the mail."""
        ...

    async def suppress(self, email_hmac: bytes, detail: str | None) -> None:
        """The address never mailed again (a hard bounce); one listed keeps its first reason."""
        ...


class BounceRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def delivery_for_update(self, delivery_id: uuid.UUID) -> BouncedDelivery | None:
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
        row = (await self._conn.execute(stmt)).mappings().first()
        return BouncedDelivery(**row) if row else None

    async def mark_bounced(self, delivery_id: uuid.UUID, detail: str | None) -> None:
        await self._conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id)
            .values(status="bounced", last_error=detail, finished_at=func.now())
        )

    async def suppress(self, email_hmac: bytes, detail: str | None) -> None:
        await suppressions.add(self._conn, [(email_hmac, "hard_bounce", detail)])
