"""What an import's cells are matched against: organisations, tags (read once per file)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import organisations, tags


async def organisation_names(conn: AsyncConnection) -> list[tuple[uuid.UUID, str, str | None]]:
    """(id, name, business ID) of every organisation."""
    o = organisations.c
    rows = await conn.execute(select(o.id, o.name, o.business_id).order_by(o.created_at, o.id))
    return [(r.id, r.name, r.business_id) for r in rows]


async def tag_names(conn: AsyncConnection) -> list[str]:
    return list((await conn.execute(select(tags.c.name))).scalars())
