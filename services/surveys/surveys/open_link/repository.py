"""Respondents of a campaign's public link: a token hash per browser, nothing about a person."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.open_link.domain import Slot
from surveys.retention.repository import tallies
from surveys.tables import open_respondents as slots


async def add(
    conn: AsyncConnection, *, token_hash: bytes, campaign_id: uuid.UUID, started_on: date
) -> None:
    await conn.execute(
        insert(slots).values(token_hash=token_hash, campaign_id=campaign_id, started_on=started_on)
    )


async def get(
    conn: AsyncConnection, campaign_id: uuid.UUID, token_hash: bytes, *, for_update: bool = False
) -> Any:
    stmt = select(slots).where(slots.c.token_hash == token_hash, slots.c.campaign_id == campaign_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).first()


async def mark_answered(conn: AsyncConnection, token_hash: bytes) -> bool:
    """True the first time; False when this browser has already answered."""
    result = await conn.execute(
        update(slots)
        .where(slots.c.token_hash == token_hash, slots.c.answered.is_(False))
        .values(answered=True)
        .returning(slots.c.token_hash)
    )
    return result.first() is not None


async def answered_count(conn: AsyncConnection, campaign_id: uuid.UUID) -> int:
    """The slots still here plus those the retention job counted before deleting them."""
    stmt = select(func.count()).where(slots.c.campaign_id == campaign_id, slots.c.answered)
    raw = int((await conn.execute(stmt)).scalar_one())
    return raw + (await tallies(conn, campaign_id))["open_answered"]


class SqlOpenSlotRepository:
    """The public link's per-browser slots on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, *, key: bytes, campaign_id: uuid.UUID, started_on: date) -> None:
        await add(self._conn, token_hash=key, campaign_id=campaign_id, started_on=started_on)

    async def get(
        self, campaign_id: uuid.UUID, key: bytes, *, for_update: bool = False
    ) -> Slot | None:
        row = await get(self._conn, campaign_id, key, for_update=for_update)
        return None if row is None else Slot(bytes(row.token_hash), bool(row.answered))

    async def mark_answered(self, key: bytes) -> bool:
        return await mark_answered(self._conn, key)

    async def answered_count(self, campaign_id: uuid.UUID) -> int:
        return await answered_count(self._conn, campaign_id)
