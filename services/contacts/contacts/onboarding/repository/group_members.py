"""Member-list imports: who imported, how many matched, and the rows nobody matched."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import group_member_imports


async def add(
    conn: AsyncConnection,
    *,
    import_id: uuid.UUID,
    by: str | None,
    at: datetime,
    matched: int,
    unknown: list[dict[str, Any]],
) -> None:
    await conn.execute(
        insert(group_member_imports).values(
            id=import_id, imported_by=by, imported_at=at, matched=matched, unknown=unknown
        )
    )


async def get(conn: AsyncConnection, import_id: uuid.UUID) -> dict[str, Any] | None:
    stmt = select(group_member_imports).where(group_member_imports.c.id == import_id)
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row else None
