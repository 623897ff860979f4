"""The SQL of self-assessments: definitions, takers and attempts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.tables import assessment_attempts as at
from surveys.tables import assessment_takers as tk
from surveys.tables import assessments as a
from surveys.tables import contact_snapshot as cs


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    id: uuid.UUID
    definition: dict[str, Any]
    mode: str
    published: bool
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    id: uuid.UUID
    assessment_id: uuid.UUID
    taker_id: uuid.UUID | None
    previous_id: uuid.UUID | None
    percents: dict[str, int]
    language: str
    taken_on: date
    confirmed_at: datetime | None
    region: str | None = None
    organisation_type: str | None = None


@dataclass(frozen=True, slots=True)
class Taker:
    id: uuid.UUID
    email: str | None
    contact_id: uuid.UUID | None
    language: str


def _assessment(row: Any) -> StoredAssessment:
    return StoredAssessment(
        row.id, row.definition, row.mode, row.published, row.version, row.updated_at
    )


def _attempt(row: Any) -> Attempt:
    return Attempt(
        row.id,
        row.assessment_id,
        row.taker_id,
        row.previous_id,
        dict(row.percents),
        row.language,
        row.taken_on,
        row.confirmed_at,
        row.region,
        row.organisation_type,
    )


async def add(
    conn: AsyncConnection, *, id: uuid.UUID, definition: dict[str, Any], mode: str
) -> None:
    await conn.execute(insert(a).values(id=id, definition=definition, mode=mode))


async def get(
    conn: AsyncConnection, assessment_id: uuid.UUID, *, for_update: bool = False
) -> StoredAssessment | None:
    stmt = select(a).where(a.c.id == assessment_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _assessment(row) if row else None


async def listing(conn: AsyncConnection) -> list[tuple[StoredAssessment, int]]:
    counts = (
        select(at.c.assessment_id, func.count().label("n")).group_by(at.c.assessment_id).subquery()
    )
    stmt = (
        select(a, func.coalesce(counts.c.n, 0).label("attempts"))
        .outerjoin(counts, counts.c.assessment_id == a.c.id)
        .order_by(a.c.created_at.desc())
    )
    return [(_assessment(r), int(r.attempts)) for r in (await conn.execute(stmt)).all()]


async def save(
    conn: AsyncConnection,
    assessment_id: uuid.UUID,
    *,
    definition: dict[str, Any],
    mode: str,
    published: bool,
) -> int:
    stmt = (
        update(a)
        .where(a.c.id == assessment_id)
        .values(
            definition=definition,
            mode=mode,
            published=published,
            version=a.c.version + 1,
            updated_at=func.now(),
        )
        .returning(a.c.version)
    )
    return int((await conn.execute(stmt)).scalar_one())


async def attempt_count(conn: AsyncConnection, assessment_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(at.c.assessment_id == assessment_id)
    return int((await conn.execute(stmt)).scalar_one())


async def taker_by_email(
    conn: AsyncConnection, assessment_id: uuid.UUID, email: str
) -> Taker | None:
    stmt = select(tk).where(tk.c.assessment_id == assessment_id, tk.c.email == email)
    row = (await conn.execute(stmt.limit(1))).first()
    return Taker(row.id, row.email, row.contact_id, row.language) if row else None


async def taker(conn: AsyncConnection, taker_id: uuid.UUID) -> Taker | None:
    row = (await conn.execute(select(tk).where(tk.c.id == taker_id))).first()
    return Taker(row.id, row.email, row.contact_id, row.language) if row else None


async def add_taker(
    conn: AsyncConnection, *, id: uuid.UUID, assessment_id: uuid.UUID, email: str, language: str
) -> None:
    await conn.execute(
        insert(tk).values(id=id, assessment_id=assessment_id, email=email, language=language)
    )


async def set_taker_contact(
    conn: AsyncConnection, taker_id: uuid.UUID, contact_id: uuid.UUID | None
) -> None:
    await conn.execute(update(tk).where(tk.c.id == taker_id).values(contact_id=contact_id))


async def contact_by_email(conn: AsyncConnection, email: str) -> Any:
    """The replica's live contact with this address: (contact_id, region, organisation_type)."""
    stmt = (
        select(cs.c.contact_id, cs.c.region, cs.c.organisation_type)
        .where(func.lower(cs.c.email) == email.lower(), cs.c.erased.is_(False))
        .limit(1)
    )
    return (await conn.execute(stmt)).first()


async def add_attempt(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(insert(at).values(**values))


async def attempt_by_token(
    conn: AsyncConnection, token_hash: bytes, *, for_update: bool = False
) -> Attempt | None:
    stmt = select(at).where(at.c.token_hash == token_hash)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _attempt(row) if row else None


async def attempt(conn: AsyncConnection, attempt_id: uuid.UUID) -> Attempt | None:
    row = (await conn.execute(select(at).where(at.c.id == attempt_id))).first()
    return _attempt(row) if row else None


async def confirm(conn: AsyncConnection, attempt_id: uuid.UUID, now: datetime) -> bool:
    """True the first time only."""
    stmt = (
        update(at)
        .where(at.c.id == attempt_id, at.c.confirmed_at.is_(None))
        .values(confirmed_at=now)
        .returning(at.c.id)
    )
    return (await conn.execute(stmt)).first() is not None


async def history(conn: AsyncConnection, taker_id: uuid.UUID) -> list[Attempt]:
    """The taker's confirmed attempts, oldest first."""
    stmt = (
        select(at)
        .where(at.c.taker_id == taker_id, at.c.confirmed_at.is_not(None))
        .order_by(at.c.confirmed_at)
    )
    return [_attempt(r) for r in (await conn.execute(stmt)).all()]


async def latest_rows(
    conn: AsyncConnection, assessment_id: uuid.UUID, by: str
) -> list[tuple[str | None, dict[str, int]]]:
    """(group, percents) of every counted attempt not retaken since (an anonymous attempt
    counts at once, an identified one once confirmed). `by` is region or organisation_type."""
    newer = at.alias("newer")
    column = at.c.region if by == "region" else at.c.organisation_type
    retaken = select(newer.c.id).where(
        newer.c.previous_id == at.c.id, newer.c.confirmed_at.is_not(None)
    )
    stmt = select(column.label("group"), at.c.percents).where(
        at.c.assessment_id == assessment_id,
        at.c.confirmed_at.is_not(None),
        ~retaken.exists(),
    )
    return [(r.group, dict(r.percents)) for r in (await conn.execute(stmt)).all()]


async def forget_people(conn: AsyncConnection, contact_ids: list[uuid.UUID]) -> int:
    """Erased people: their takers lose the address and the contact, their attempts the
    background (as anonymised responses do); the percents stay, unjoinable. Returns takers."""
    found = (
        await conn.execute(
            update(tk)
            .where(tk.c.contact_id.in_(contact_ids))
            .values(email=None, contact_id=None)
            .returning(tk.c.id)
        )
    ).all()
    takers = [r.id for r in found]
    if takers:
        await conn.execute(
            update(at).where(at.c.taker_id.in_(takers)).values(region=None, organisation_type=None)
        )
    return len(takers)


@dataclass(frozen=True, slots=True)
class KnownContact:
    """The replica's live contact with an address."""

    contact_id: uuid.UUID
    region: str | None
    organisation_type: str | None


class AssessmentRepository(Protocol):
    """Self-assessments, their takers and attempts."""

    async def add(self, *, id: uuid.UUID, definition: dict[str, Any], mode: str) -> None: ...
    async def get(
        self, assessment_id: uuid.UUID, *, for_update: bool = False
    ) -> StoredAssessment | None: ...
    async def listing(self) -> list[tuple[StoredAssessment, int]]:
        """Newest first, with the number of attempts."""
        ...

    async def save(
        self, assessment_id: uuid.UUID, *, definition: dict[str, Any], mode: str, published: bool
    ) -> int:
        """The new version number."""
        ...

    async def attempt_count(self, assessment_id: uuid.UUID) -> int: ...
    async def taker_by_email(self, assessment_id: uuid.UUID, email: str) -> Taker | None: ...
    async def taker(self, taker_id: uuid.UUID) -> Taker | None: ...
    async def add_taker(
        self, *, id: uuid.UUID, assessment_id: uuid.UUID, email: str, language: str
    ) -> None: ...
    async def set_taker_contact(
        self, taker_id: uuid.UUID, contact_id: uuid.UUID | None
    ) -> None: ...
    async def contact_by_email(self, email: str) -> KnownContact | None:
        """The live (not erased) contact with this address, any case."""
        ...

    async def add_attempt(self, **values: Any) -> None: ...
    async def attempt_by_token(
        self, token_hash: bytes, *, for_update: bool = False
    ) -> Attempt | None: ...
    async def attempt(self, attempt_id: uuid.UUID) -> Attempt | None: ...
    async def confirm(self, attempt_id: uuid.UUID, now: datetime) -> bool:
        """True the first time only."""
        ...

    async def history(self, taker_id: uuid.UUID) -> list[Attempt]:
        """The taker's confirmed attempts, oldest first."""
        ...

    async def latest_rows(
        self, assessment_id: uuid.UUID, by: str
    ) -> list[tuple[str | None, dict[str, int]]]:
        """(group, percents) of every counted attempt not retaken since."""
        ...


class SqlAssessmentRepository:
    """Self-assessments on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, *, id: uuid.UUID, definition: dict[str, Any], mode: str) -> None:
        await add(self._conn, id=id, definition=definition, mode=mode)

    async def get(
        self, assessment_id: uuid.UUID, *, for_update: bool = False
    ) -> StoredAssessment | None:
        return await get(self._conn, assessment_id, for_update=for_update)

    async def listing(self) -> list[tuple[StoredAssessment, int]]:
        return await listing(self._conn)

    async def save(
        self, assessment_id: uuid.UUID, *, definition: dict[str, Any], mode: str, published: bool
    ) -> int:
        return await save(
            self._conn, assessment_id, definition=definition, mode=mode, published=published
        )

    async def attempt_count(self, assessment_id: uuid.UUID) -> int:
        return await attempt_count(self._conn, assessment_id)

    async def taker_by_email(self, assessment_id: uuid.UUID, email: str) -> Taker | None:
        return await taker_by_email(self._conn, assessment_id, email)

    async def taker(self, taker_id: uuid.UUID) -> Taker | None:
        return await taker(self._conn, taker_id)

    async def add_taker(
        self, *, id: uuid.UUID, assessment_id: uuid.UUID, email: str, language: str
    ) -> None:
        await add_taker(
            self._conn, id=id, assessment_id=assessment_id, email=email, language=language
        )

    async def set_taker_contact(self, taker_id: uuid.UUID, contact_id: uuid.UUID | None) -> None:
        await set_taker_contact(self._conn, taker_id, contact_id)

    async def contact_by_email(self, email: str) -> KnownContact | None:
        row = await contact_by_email(self._conn, email)
        return (
            None if row is None else KnownContact(row.contact_id, row.region, row.organisation_type)
        )

    async def add_attempt(self, **values: Any) -> None:
        await add_attempt(self._conn, **values)

    async def attempt_by_token(
        self, token_hash: bytes, *, for_update: bool = False
    ) -> Attempt | None:
        return await attempt_by_token(self._conn, token_hash, for_update=for_update)

    async def attempt(self, attempt_id: uuid.UUID) -> Attempt | None:
        return await attempt(self._conn, attempt_id)

    async def confirm(self, attempt_id: uuid.UUID, now: datetime) -> bool:
        return await confirm(self._conn, attempt_id, now)

    async def history(self, taker_id: uuid.UUID) -> list[Attempt]:
        return await history(self._conn, taker_id)

    async def latest_rows(
        self, assessment_id: uuid.UUID, by: str
    ) -> list[tuple[str | None, dict[str, int]]]:
        return await latest_rows(self._conn, assessment_id, by)
