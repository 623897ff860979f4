"""Storing network memberships (one per person) and every step each took."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import insert as plain_insert
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.memberships.domain import Membership, Transition
from contacts.tables import membership_transitions, memberships


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


async def add_transition(conn: AsyncConnection, step: Transition) -> None:
    await conn.execute(
        plain_insert(membership_transitions).values(
            person_id=step.person_id,
            action=step.action,
            from_state=step.from_state,
            to_state=step.to_state,
            reason=step.reason,
            decided_by=step.by,
            occurred_at=step.at,
        )
    )


async def transitions_of(conn: AsyncConnection, person_id: uuid.UUID) -> list[Transition]:
    """The person's membership steps, oldest first."""
    t = membership_transitions.c
    rows = await conn.execute(
        select(membership_transitions).where(t.person_id == person_id).order_by(t.occurred_at, t.id)
    )
    return [
        Transition(
            person_id=r.person_id,
            action=r.action,
            from_state=r.from_state,
            to_state=r.to_state,
            at=r.occurred_at,
            reason=r.reason,
            by=r.decided_by,
        )
        for r in rows
    ]
