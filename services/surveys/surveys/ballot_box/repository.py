"""The ballot box table: sealed ballots by campaign, taken out (deleted) a batch at a time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.tables import ballot_box


class SqlBallotRepository:
    """Ballots on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, *, campaign_id: uuid.UUID, sealed: bytes) -> None:
        await self._conn.execute(
            insert(ballot_box).values(id=uuid.uuid4(), campaign_id=campaign_id, sealed=sealed)
        )

    async def waiting(self) -> dict[uuid.UUID, int]:
        """How many ballots wait, by campaign."""
        stmt = select(ballot_box.c.campaign_id, func.count()).group_by(ballot_box.c.campaign_id)
        return {row[0]: int(row[1]) for row in (await self._conn.execute(stmt)).all()}

    async def waiting_in(self, campaign_id: uuid.UUID) -> int:
        """How many anonymous answers of a campaign wait for their batch."""
        stmt = select(func.count()).where(ballot_box.c.campaign_id == campaign_id)
        return int((await self._conn.execute(stmt)).scalar_one())

    async def of_campaign(self, campaign_id: uuid.UUID) -> list[uuid.UUID]:
        """The ids of a campaign's ballots, locked until the batch commits."""
        stmt = (
            select(ballot_box.c.id)
            .where(ballot_box.c.campaign_id == campaign_id)
            .with_for_update(skip_locked=True)
        )
        return list((await self._conn.execute(stmt)).scalars())

    async def take(self, ids: Sequence[uuid.UUID]) -> list[bytes]:
        """Delete these ballots, returning their sealed contents."""
        stmt = delete(ballot_box).where(ballot_box.c.id.in_(ids)).returning(ballot_box.c.sealed)
        return [bytes(row[0]) for row in (await self._conn.execute(stmt)).all()]
