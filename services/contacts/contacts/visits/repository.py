"""Storing visit requests and the queue's reads."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import visit_requests
from contacts.visits.domain import VisitForm, VisitRequest

_FORM = {
    "organisation_name": "organisation",
    "contact_name": "contact_name",
    "email": "email",
    "phone": "phone",
    "topic": "topic",
    "wished_dates": "wished_dates",
    "audience_size": "audience_size",
    "message": "message",
    "language": "language",
}


def _to_visit(row: Any) -> VisitRequest:
    r = row._mapping
    form = VisitForm(**{attr: r[column] for column, attr in _FORM.items()})
    return VisitRequest(
        id=r["id"],
        form=form,
        created_at=r["created_at"],
        organisation_id=r["organisation_id"],
        person_id=r["person_id"],
        state=r["state"],
        state_changed_at=r["state_changed_at"],
        state_changed_by=r["state_changed_by"],
        note=r["note"],
    )


async def add(conn: AsyncConnection, visit: VisitRequest) -> None:
    await conn.execute(
        insert(visit_requests).values(
            id=visit.id,
            organisation_id=visit.organisation_id,
            person_id=visit.person_id,
            state=visit.state,
            note=visit.note,
            created_at=visit.created_at,
            **{column: getattr(visit.form, attr) for column, attr in _FORM.items()},
        )
    )


async def save_state(conn: AsyncConnection, visit: VisitRequest) -> None:
    await conn.execute(
        update(visit_requests)
        .where(visit_requests.c.id == visit.id)
        .values(
            state=visit.state,
            state_changed_at=visit.state_changed_at,
            state_changed_by=visit.state_changed_by,
            note=visit.note,
        )
    )


async def get(
    conn: AsyncConnection, visit_id: uuid.UUID, *, for_update: bool = False
) -> VisitRequest | None:
    stmt = select(visit_requests).where(visit_requests.c.id == visit_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _to_visit(row) if row else None


async def listed(
    conn: AsyncConnection,
    *,
    state: str | None = None,
    organisation_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    limit: int = 200,
) -> list[VisitRequest]:
    """Newest first; open ones are what staff look at, so they filter by state."""
    stmt = select(visit_requests).order_by(visit_requests.c.created_at.desc()).limit(limit)
    if state:
        stmt = stmt.where(visit_requests.c.state == state)
    if organisation_id:
        stmt = stmt.where(visit_requests.c.organisation_id == organisation_id)
    if person_id:
        stmt = stmt.where(visit_requests.c.person_id == person_id)
    return [_to_visit(r) for r in await conn.execute(stmt)]


async def counts(conn: AsyncConnection) -> dict[str, int]:
    stmt = select(visit_requests.c.state, func.count()).group_by(visit_requests.c.state)
    return {state: n for state, n in (await conn.execute(stmt)).all()}
