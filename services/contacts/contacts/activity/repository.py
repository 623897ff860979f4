"""A person's activity timeline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import activity


async def add(
    conn: AsyncConnection,
    *,
    person_id: uuid.UUID,
    kind: str,
    at: datetime,
    details: dict[str, Any],
    source: str = "contacts",
) -> None:
    await conn.execute(
        insert(activity).values(
            person_id=person_id, kind=kind, occurred_at=at, details=details, source=source
        )
    )


async def of(conn: AsyncConnection, person_id: uuid.UUID, limit: int = 500) -> list[dict[str, Any]]:
    stmt = (
        select(activity)
        .where(activity.c.person_id == person_id)
        .order_by(activity.c.occurred_at.desc(), activity.c.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
