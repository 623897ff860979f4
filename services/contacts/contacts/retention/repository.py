"""The rows contacts' retention job looks at: one query each, shared by the dry and real run,
and the deletes of the real run (`uow.retention`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import and_, delete, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.enquiries import repository as enquiry_store
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


class RetentionRepository(Protocol):
    """What is past its period; `for_update` locks it (skipping rows others hold) for removal."""

    async def expired_signups(
        self, cutoff: datetime, *, for_update: bool = False
    ) -> list[uuid.UUID]:
        """Unconfirmed signups made before the cut-off."""

    async def leftover_people(
        self, signup_ids: list[uuid.UUID], *, for_update: bool = False
    ) -> list[uuid.UUID]:
        """The never-confirmed pending people of these signups whom nothing else refers to."""

    async def finished_jobs(self, cutoff: datetime, *, for_update: bool = False) -> list[uuid.UUID]:
        """Jobs done, failed or cancelled before the cut-off."""

    async def item_count(self, job_ids: list[uuid.UUID]) -> int: ...

    async def stale_uploads(self, cutoff: datetime, *, for_update: bool = False) -> list[uuid.UUID]:
        """Import uploads made before the cut-off."""

    async def closed_enquiries(
        self, cutoff: datetime, *, for_update: bool = False
    ) -> list[uuid.UUID]:
        """Enquiries closed before the cut-off."""

    async def remove(
        self,
        *,
        signup_ids: list[uuid.UUID],
        job_ids: list[uuid.UUID],
        upload_ids: list[uuid.UUID],
    ) -> None:
        """The signups, the jobs with their items, the uploads."""

    async def inactive_people(
        self, confirmed_before: datetime, engaged_before: date, *, limit: int = 500
    ) -> list[dict[str, Any]]:
        """People neither confirmed nor engaged since the cut-off, least recently engaged first."""


class SqlRetention:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def expired_signups(
        self, cutoff: datetime, *, for_update: bool = False
    ) -> list[uuid.UUID]:
        return await expired_signups(self._conn, cutoff, for_update=for_update)

    async def leftover_people(
        self, signup_ids: list[uuid.UUID], *, for_update: bool = False
    ) -> list[uuid.UUID]:
        return await leftover_people(self._conn, signup_ids, for_update=for_update)

    async def finished_jobs(self, cutoff: datetime, *, for_update: bool = False) -> list[uuid.UUID]:
        return await finished_jobs(self._conn, cutoff, for_update=for_update)

    async def item_count(self, job_ids: list[uuid.UUID]) -> int:
        return await item_count(self._conn, job_ids)

    async def stale_uploads(self, cutoff: datetime, *, for_update: bool = False) -> list[uuid.UUID]:
        return await stale_uploads(self._conn, cutoff, for_update=for_update)

    async def closed_enquiries(
        self, cutoff: datetime, *, for_update: bool = False
    ) -> list[uuid.UUID]:
        return await enquiry_store.closed_before(self._conn, cutoff, for_update=for_update)

    async def remove(
        self,
        *,
        signup_ids: list[uuid.UUID],
        job_ids: list[uuid.UUID],
        upload_ids: list[uuid.UUID],
    ) -> None:
        if signup_ids:
            await self._conn.execute(delete(signups).where(signups.c.id.in_(signup_ids)))
        if job_ids:  # job_items go with them (ON DELETE CASCADE)
            await self._conn.execute(delete(jobs).where(jobs.c.id.in_(job_ids)))
        if upload_ids:
            await self._conn.execute(
                delete(import_uploads).where(import_uploads.c.id.in_(upload_ids))
            )

    async def inactive_people(
        self, confirmed_before: datetime, engaged_before: date, *, limit: int = 500
    ) -> list[dict[str, Any]]:
        return await inactive_people(self._conn, confirmed_before, engaged_before, limit=limit)


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
