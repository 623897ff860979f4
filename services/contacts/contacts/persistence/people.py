"""Storing and loading people."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.domain.errors import Conflict
from contacts.domain.person import Person, parse_language
from contacts.persistence.tables import people


def _to_person(row: object) -> Person:
    r = row._mapping  # type: ignore[attr-defined]
    return Person(
        id=r["id"],
        email=r["email"],
        first_name=r["first_name"],
        last_name=r["last_name"],
        language=parse_language(r["language"]),
        version=r["version"],
        created_at=r["created_at"],
    )


async def add(conn: AsyncConnection, person: Person) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(people).values(
                    id=person.id,
                    email=person.email,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    language=person.language,
                    version=person.version,
                    created_at=person.created_at,
                )
            )
    except IntegrityError as exc:
        raise Conflict("A person with this email address already exists.", field="email") from exc


async def get(
    conn: AsyncConnection, person_id: uuid.UUID, *, for_update: bool = False
) -> Person | None:
    stmt = select(people).where(people.c.id == person_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _to_person(row) if row else None


async def find_by_email(conn: AsyncConnection, email: str) -> Person | None:
    row = (
        await conn.execute(select(people).where(func.lower(people.c.email) == email.lower()))
    ).first()
    return _to_person(row) if row else None


async def save(conn: AsyncConnection, person: Person) -> None:
    await conn.execute(
        update(people)
        .where(people.c.id == person.id)
        .values(
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
            version=person.version,
            updated_at=func.now(),
        )
    )


async def remove(conn: AsyncConnection, person_id: uuid.UUID) -> None:
    await conn.execute(delete(people).where(people.c.id == person_id))
