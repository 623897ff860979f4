"""Staff notes on people and organisations."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.notes.domain import Note
from contacts.tables import notes


async def add(conn: AsyncConnection, note: Note) -> None:
    await conn.execute(insert(notes).values(**note.__dict__))


async def of_person(conn: AsyncConnection, person_id: uuid.UUID, limit: int = 500) -> list[Note]:
    return await _select(conn, notes.c.person_id == person_id, limit)


async def of_organisation(
    conn: AsyncConnection, organisation_id: uuid.UUID, limit: int = 500
) -> list[Note]:
    return await _select(conn, notes.c.organisation_id == organisation_id, limit)


async def _select(conn: AsyncConnection, where: ColumnElement[bool], limit: int) -> list[Note]:
    stmt = select(notes).where(where).order_by(notes.c.created_at.desc(), notes.c.id).limit(limit)
    return [Note(**r._mapping) for r in await conn.execute(stmt)]
