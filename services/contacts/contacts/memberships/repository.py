"""Storing network memberships (one per person)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.memberships.domain import Membership
from contacts.tables import memberships


async def get(
    conn: AsyncConnection, person_id: uuid.UUID, *, for_update: bool = False
) -> Membership | None:
    stmt = select(memberships).where(memberships.c.person_id == person_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    r: Any = row._mapping
    return Membership(**{k: r[k] for k in Membership.__dataclass_fields__})


async def put(conn: AsyncConnection, membership: Membership) -> None:
    values = asdict(membership)
    stmt = insert(memberships).values(**values)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[memberships.c.person_id],
            set_={
                **{k: stmt.excluded[k] for k in values if k != "person_id"},
                "updated_at": func.now(),
            },
        )
    )
