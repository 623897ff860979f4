"""The rows contacts' retention job looks at: one query each, shared by the dry and real run."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import (
    consent_log,
    import_uploads,
    job_items,
    jobs,
    join_codes,
    memberships,
    notes,
    onboarding,
    people,
    person_organisations,
    signups,
    visit_requests,
)

# What makes a pending person more than a leftover of its signup (activity is not: the
# signup wrote it).
_REFERRING = (
    person_organisations,
    memberships,
    consent_log,
    onboarding,
    join_codes,
    notes,
    visit_requests,
)


async def expired_signups(
    conn: AsyncConnection, cutoff: datetime, *, for_update: bool = False
) -> list[uuid.UUID]:
    stmt = (
        select(signups.c.id)
        .where(signups.c.confirmed_at.is_(None), signups.c.created_at < cutoff)
        .order_by(signups.c.id)
    )
    if for_update:
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await conn.execute(stmt)).scalars())


async def leftover_people(
    conn: AsyncConnection, signup_ids: list[uuid.UUID], *, for_update: bool = False
) -> list[uuid.UUID]:
    """The never-confirmed people of these signups whom nothing else refers to."""
    if not signup_ids:
        return []
    of_signups = select(signups.c.person_id).where(signups.c.id.in_(signup_ids))
    other_signup = exists().where(
        signups.c.person_id == people.c.id, signups.c.id.not_in(signup_ids)
    )
    referred = [exists().where(t.c.person_id == people.c.id) for t in _REFERRING]
    stmt = (
        select(people.c.id)
        .where(
            people.c.id.in_(of_signups),
            people.c.confirmed_at.is_(None),
            people.c.subscription_state == "pending",
            not_(or_(other_signup, *referred)),
        )
        .order_by(people.c.id)
    )
    if for_update:
        stmt = stmt.with_for_update(of=people)
    return list((await conn.execute(stmt)).scalars())


async def finished_jobs(
    conn: AsyncConnection, cutoff: datetime, *, for_update: bool = False
) -> list[uuid.UUID]:
    """Jobs done, failed or cancelled before the cut-off (with their items, input and result)."""
    ended = func.coalesce(jobs.c.finished_at, jobs.c.updated_at)
    stmt = (
        select(jobs.c.id)
        .where(jobs.c.state.in_(("done", "failed", "cancelled")), ended < cutoff)
        .order_by(jobs.c.id)
    )
    if for_update:
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await conn.execute(stmt)).scalars())


async def item_count(conn: AsyncConnection, job_ids: list[uuid.UUID]) -> int:
    stmt = select(func.count()).where(job_items.c.job_id.in_(job_ids))
    return int((await conn.execute(stmt)).scalar_one()) if job_ids else 0


async def stale_uploads(
    conn: AsyncConnection, cutoff: datetime, *, for_update: bool = False
) -> list[uuid.UUID]:
    """Uploaded import files nobody mapped in time (the import page sweeps them only when
    someone uploads again)."""
    stmt = (
        select(import_uploads.c.id)
        .where(import_uploads.c.created_at < cutoff)
        .order_by(import_uploads.c.id)
    )
    if for_update:
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await conn.execute(stmt)).scalars())


async def inactive_people(
    conn: AsyncConnection, confirmed_before: datetime, engaged_before: date, *, limit: int = 500
) -> list[dict[str, Any]]:
    """People neither confirmed nor engaged since the cut-off: for re-permission or erasure."""
    stmt = (
        select(
            people.c.id,
            people.c.email,
            people.c.first_name,
            people.c.last_name,
            people.c.subscription_state,
            people.c.confirmed_at,
            people.c.last_engaged_on,
            people.c.created_at,
        )
        .where(
            or_(
                people.c.confirmed_at < confirmed_before,
                and_(people.c.confirmed_at.is_(None), people.c.created_at < confirmed_before),
            ),
            or_(people.c.last_engaged_on.is_(None), people.c.last_engaged_on < engaged_before),
        )
        .order_by(people.c.last_engaged_on.nulls_first(), people.c.created_at)
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
