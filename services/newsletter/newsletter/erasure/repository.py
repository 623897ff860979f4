"""Anonymising the deliveries and tracking events of erased people; re-pointing merged ones."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Protocol

from sqlalchemy import ColumnElement, Uuid, case, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.tables import contact_snapshot, deliveries, tracking_events
from shared.tombstones import erased_in_replica


class ErasureRepository(Protocol):
    """What erasures and merges change in newsletter (`uow.erasure`)."""

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those the contact replica holds as erased."""
        ...

    async def anonymise_deliveries(self, contact_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """These people's deliveries lose them; the ids changed (none the second time)."""
        ...

    async def repoint_deliveries(
        self, *, source: uuid.UUID, target: uuid.UUID
    ) -> tuple[int, list[uuid.UUID]]:
        """`source`'s deliveries become `target`'s, a clashing one (same campaign) is
        anonymised instead: (moved, ids anonymised)."""
        ...

    async def unlink_tracking(self, delivery_ids: Sequence[uuid.UUID]) -> int:
        """These deliveries' opens and clicks move to fresh ids no one can join."""
        ...


class ErasureRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return await erased_in_replica(self._conn, contact_snapshot, contact_ids)

    async def anonymise_deliveries(self, contact_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        return await anonymise_deliveries(self._conn, contact_ids)

    async def repoint_deliveries(
        self, *, source: uuid.UUID, target: uuid.UUID
    ) -> tuple[int, list[uuid.UUID]]:
        return await repoint_deliveries(self._conn, source=source, target=target)

    async def unlink_tracking(self, delivery_ids: Sequence[uuid.UUID]) -> int:
        return await unlink_tracking(self._conn, delivery_ids)


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
    return await _anonymise(conn, deliveries.c.contact_id.in_(list(contact_ids)))


async def repoint_deliveries(
    conn: AsyncConnection, *, source: uuid.UUID, target: uuid.UUID
) -> tuple[int, list[uuid.UUID]]:
    """A merge: `source`'s deliveries become `target`'s, except one for a campaign that
    `target` also got (one delivery per campaign and person): that one is anonymised as in
    an erasure. Returns (moved, ids anonymised); a second run finds nothing."""
    d = deliveries
    kept = d.alias("kept")
    twin = (
        select(kept.c.id)
        .where(kept.c.contact_id == target, kept.c.campaign_id == d.c.campaign_id)
        .exists()
    )
    clashing = await _anonymise(
        conn, (d.c.contact_id == source) & d.c.campaign_id.is_not(None) & twin
    )
    moved = await conn.execute(update(d).where(d.c.contact_id == source).values(contact_id=target))
    return moved.rowcount or 0, clashing


async def _anonymise(conn: AsyncConnection, where: ColumnElement[bool]) -> list[uuid.UUID]:
    d = deliveries
    result = await conn.execute(
        update(d)
        .where(where)
        .values(
            contact_id=None,
            to_email=None,
            to_name="",
            variables=text("'{}'::jsonb"),
            attachments=text("'[]'::jsonb"),
            status=case((d.c.status == "pending", literal("suppressed")), else_=d.c.status),
            last_error=None,
        )
        .returning(d.c.id)
    )
    return list(result.scalars())
