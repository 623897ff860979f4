"""Storing onboarding states and join codes, and the reads the matcher and funnel need."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.onboarding.domain.onboarding import Candidate, JoinCode, Onboarding
from contacts.tables import (
    contact_snapshot,
    join_codes,
    memberships,
    onboarding,
    organisations,
    people,
    person_organisations,
)

_FIELDS = tuple(Onboarding.__dataclass_fields__)


def _onboarding(row: Any) -> Onboarding:
    return Onboarding(**{k: row._mapping[k] for k in _FIELDS})


async def get(
    conn: AsyncConnection, person_id: uuid.UUID, *, for_update: bool = False
) -> Onboarding | None:
    stmt = select(onboarding).where(onboarding.c.person_id == person_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _onboarding(row) if row else None


async def state_of(conn: AsyncConnection, person_id: uuid.UUID) -> str:
    stmt = select(onboarding.c.state).where(onboarding.c.person_id == person_id)
    return (await conn.execute(stmt)).scalar() or "not_invited"


async def put(conn: AsyncConnection, record: Onboarding) -> None:
    values = asdict(record)
    stmt = insert(onboarding).values(**values)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[onboarding.c.person_id],
            set_={
                **{k: stmt.excluded[k] for k in values if k != "person_id"},
                "updated_at": func.now(),
            },
        )
    )


async def add_code(conn: AsyncConnection, code: JoinCode, *, issued_at: datetime) -> bool:
    """False if the code exists already (the caller draws another)."""
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(join_codes).values(
                    code=code.code,
                    person_id=code.person_id,
                    issued_at=issued_at,
                    expires_at=code.expires_at,
                )
            )
    except IntegrityError:
        return False
    return True


async def current_code(conn: AsyncConnection, person_id: uuid.UUID) -> JoinCode | None:
    stmt = (
        select(join_codes)
        .where(join_codes.c.person_id == person_id)
        .order_by(join_codes.c.issued_at.desc())
        .limit(1)
    )
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    r = row._mapping
    return JoinCode(r["code"], r["person_id"], r["expires_at"], r["used_at"])


async def codes(conn: AsyncConnection, wanted: Collection[str]) -> dict[str, JoinCode]:
    if not wanted:
        return {}
    stmt = select(join_codes).where(join_codes.c.code.in_(list(wanted)))
    return {
        r.code: JoinCode(r.code, r.person_id, r.expires_at, r.used_at)
        for r in (await conn.execute(stmt))
    }


async def spend_codes(conn: AsyncConnection, person_id: uuid.UUID, *, at: datetime) -> None:
    """A decision spends every code of the person: showing one again means someone reused it."""
    await conn.execute(
        update(join_codes)
        .where(join_codes.c.person_id == person_id, join_codes.c.used_at.is_(None))
        .values(used_at=at)
    )


async def people_by_email(conn: AsyncConnection, emails: Collection[str]) -> dict[str, uuid.UUID]:
    if not emails:
        return {}
    stmt = select(func.lower(people.c.email), people.c.id).where(
        func.lower(people.c.email).in_([e.lower() for e in emails])
    )
    return {email: pid for email, pid in (await conn.execute(stmt)).all()}


async def name_candidates(conn: AsyncConnection) -> list[Candidate]:
    """Invited or requesting people, and active members: who may plausibly be in the queue."""
    stmt = (
        select(people.c.id, people.c.first_name, people.c.last_name)
        .select_from(
            people.outerjoin(onboarding, onboarding.c.person_id == people.c.id).outerjoin(
                memberships, memberships.c.person_id == people.c.id
            )
        )
        .where(
            or_(onboarding.c.state.in_(["invited", "requested"]), memberships.c.state == "active")
        )
    )
    return [
        Candidate(r.id, f"{r.first_name} {r.last_name}".strip()) for r in await conn.execute(stmt)
    ]


async def details(
    conn: AsyncConnection, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Name, email, membership, onboarding state and current organisation for the matches table."""
    if not ids:
        return {}
    current = (
        select(person_organisations.c.person_id, organisations.c.name.label("organisation"))
        .join(organisations, organisations.c.id == person_organisations.c.organisation_id)
        .where(person_organisations.c.end_date.is_(None))
        .ext(distinct_on(person_organisations.c.person_id))
        .order_by(person_organisations.c.person_id, person_organisations.c.created_at.desc())
        .subquery()
    )
    stmt = (
        select(
            people.c.id,
            people.c.email,
            people.c.first_name,
            people.c.last_name,
            func.coalesce(memberships.c.state, "none").label("membership_state"),
            func.coalesce(onboarding.c.state, "not_invited").label("onboarding_state"),
            current.c.organisation,
        )
        .select_from(
            people.outerjoin(memberships, memberships.c.person_id == people.c.id)
            .outerjoin(onboarding, onboarding.c.person_id == people.c.id)
            .outerjoin(current, current.c.person_id == people.c.id)
        )
        .where(people.c.id.in_(list(ids)))
    )
    return {r.id: dict(r._mapping) for r in await conn.execute(stmt)}


async def invited_before(
    conn: AsyncConnection, cutoff: datetime, *, at_most: int
) -> list[uuid.UUID]:
    """Invited people silent since `cutoff` with reminders left, who still take mail."""
    since = func.coalesce(onboarding.c.last_reminded_at, onboarding.c.invited_at)
    stmt = (
        select(onboarding.c.person_id)
        .join(people, people.c.id == onboarding.c.person_id)
        .where(
            and_(
                onboarding.c.state == "invited",
                onboarding.c.reminders_sent < at_most,
                since <= cutoff,
                people.c.subscription_state != "unsubscribed",
                people.c.email_status == "ok",
            )
        )
        .order_by(since)
    )
    return list((await conn.execute(stmt)).scalars())


async def funnel_rows(
    conn: AsyncConnection, *, start: datetime, end: datetime
) -> list[tuple[Onboarding, str | None, str | None]]:
    """Invitations in [start, end) with the person's region and organisation type."""
    stmt = (
        select(onboarding, contact_snapshot.c.region, contact_snapshot.c.organisation_type)
        .outerjoin(contact_snapshot, contact_snapshot.c.contact_id == onboarding.c.person_id)
        .where(onboarding.c.invited_at >= start, onboarding.c.invited_at < end)
    )
    return [(_onboarding(r), r.region, r.organisation_type) for r in await conn.execute(stmt)]
