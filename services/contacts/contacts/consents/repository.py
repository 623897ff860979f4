"""The consent log (append-only) and pending signups."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.consents.domain import ConsentEntry
from contacts.tables import consent_log, signups


async def append(conn: AsyncConnection, entries: list[ConsentEntry]) -> None:
    if not entries:
        return
    rows = []
    for entry in entries:
        row = asdict(entry)
        row["occurred_at"] = row.pop("at")
        rows.append(row)
    await conn.execute(insert(consent_log), rows)


async def log_of(conn: AsyncConnection, person_id: uuid.UUID) -> list[dict[str, Any]]:
    stmt = (
        select(consent_log)
        .where(consent_log.c.person_id == person_id)
        .order_by(consent_log.c.occurred_at, consent_log.c.id)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def add_signup(
    conn: AsyncConnection,
    *,
    signup_id: uuid.UUID,
    person_id: uuid.UUID,
    details: dict[str, Any],
    wording_version: str,
    ip: str | None,
) -> None:
    await conn.execute(
        insert(signups).values(
            id=signup_id,
            person_id=person_id,
            details=details,
            wording_version=wording_version,
            ip=ip,
        )
    )


async def signup(
    conn: AsyncConnection, signup_id: uuid.UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    stmt = select(signups).where(signups.c.id == signup_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row else None


async def mark_confirmed(conn: AsyncConnection, signup_id: uuid.UUID, at: datetime) -> None:
    await conn.execute(update(signups).where(signups.c.id == signup_id).values(confirmed_at=at))


async def last_signup_at(conn: AsyncConnection, person_id: uuid.UUID) -> datetime | None:
    stmt = select(func.max(signups.c.created_at)).where(signups.c.person_id == person_id)
    last: datetime | None = (await conn.execute(stmt)).scalar()
    return last


async def newest_pending_signup(conn: AsyncConnection, person_id: uuid.UUID) -> uuid.UUID | None:
    """The person's newest signup not confirmed yet."""
    stmt = (
        select(signups.c.id)
        .where(signups.c.person_id == person_id, signups.c.confirmed_at.is_(None))
        .order_by(signups.c.created_at.desc())
        .limit(1)
    )
    found: uuid.UUID | None = (await conn.execute(stmt)).scalar()
    return found


async def signups_of(conn: AsyncConnection, person_id: uuid.UUID) -> list[dict[str, Any]]:
    stmt = select(signups).where(signups.c.person_id == person_id).order_by(signups.c.created_at)
    return [dict(r._mapping) for r in await conn.execute(stmt)]
