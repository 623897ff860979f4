"""Moving everything held about one person record onto another (a merge of duplicates)."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import Table, delete, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import metadata, people, person_organisations


class MergingRepository(Protocol):
    """What a merge moves besides the person: the rows other features hold about them."""

    async def possible_duplicates(self, *, limit: int = 100) -> list[dict[str, object]]:
        """Pairs {"reason", "a", "b"} of people that look alike (ids, a < b)."""

    async def repoint_history(self, *, source: uuid.UUID, target: uuid.UUID) -> None:
        """Every many-per-person row of `source` now belongs to `target`."""

    async def take_row(self, table_name: str, *, source: uuid.UUID, target: uuid.UUID) -> None:
        """`source`'s row of a one-per-person table replaces `target`'s."""

    async def has_row(self, table_name: str, person_id: uuid.UUID) -> bool: ...


class SqlMerging:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def possible_duplicates(self, *, limit: int = 100) -> list[dict[str, object]]:
        return await possible_duplicates(self._conn, limit=limit)

    async def repoint_history(self, *, source: uuid.UUID, target: uuid.UUID) -> None:
        await repoint_history(self._conn, source=source, target=target)

    async def take_row(self, table_name: str, *, source: uuid.UUID, target: uuid.UUID) -> None:
        await take_row(self._conn, table_name, source=source, target=target)

    async def has_row(self, table_name: str, person_id: uuid.UUID) -> bool:
        return await has_row(self._conn, table_name, person_id)


# Tables keyed by the person (one row each): the caller decides which row survives.
ONE_PER_PERSON = ("memberships", "onboarding")


def _history_tables() -> list[Table]:
    """Every table that points at people.id with many rows per person (found, not listed,
    so a table added later is re-pointed too instead of silently lost by the cascade)."""
    found: list[Table] = []
    for table in metadata.sorted_tables:
        if table.name in ONE_PER_PERSON or table.name == "people":
            continue
        column = table.c.get("person_id")
        if column is not None and any(fk.column is people.c.id for fk in column.foreign_keys):
            found.append(table)
    return found


async def repoint_history(conn: AsyncConnection, *, source: uuid.UUID, target: uuid.UUID) -> None:
    for table in _history_tables():
        await conn.execute(
            update(table).where(table.c.person_id == source).values(person_id=target)
        )


async def take_row(
    conn: AsyncConnection, table_name: str, *, source: uuid.UUID, target: uuid.UUID
) -> None:
    """`source`'s row of a one-per-person table replaces `target`'s."""
    table = metadata.tables[table_name]
    await conn.execute(delete(table).where(table.c.person_id == target))
    await conn.execute(update(table).where(table.c.person_id == source).values(person_id=target))


async def has_row(conn: AsyncConnection, table_name: str, person_id: uuid.UUID) -> bool:
    table = metadata.tables[table_name]
    stmt = select(literal(1)).where(table.c.person_id == person_id)
    return (await conn.execute(stmt)).first() is not None


async def possible_duplicates(
    conn: AsyncConnection, *, limit: int = 100
) -> list[dict[str, object]]:
    """Pairs of people that look alike, with the reason; see docs/contacts.md for the rules."""
    p = people.c
    local = func.split_part(func.lower(p.email), "@", 1)
    domain = func.split_part(func.lower(p.email), "@", 2)
    # Gmail-style: dots and a +tag in the local part do not make another mailbox.
    email_key = func.regexp_replace(func.regexp_replace(local, r"\+.*$", ""), r"\.", "", "g")
    name_key = func.lower(func.trim(p.first_name + " " + p.last_name))
    link = person_organisations.c
    keys = [
        ("email", (email_key + "@" + domain), None),
        ("phone", p.phone, p.phone.is_not(None)),
        (
            "name_organisation",
            name_key + "|" + func.cast(link.organisation_id, people.c.email.type),
            name_key != "",
        ),
    ]
    pairs: list[dict[str, object]] = []
    for reason, key, where in keys:
        base = select(key.label("k"), func.array_agg(p.id).label("ids"))
        if reason == "name_organisation":
            base = base.select_from(
                people.join(person_organisations, link.person_id == p.id)
            ).where(link.end_date.is_(None))
        if where is not None:
            base = base.where(where)
        stmt = base.group_by(key).having(func.count(func.distinct(p.id)) > 1).limit(limit)
        for row in await conn.execute(stmt):
            ids = sorted(set(row.ids))
            pairs.extend({"reason": reason, "a": ids[0], "b": other} for other in ids[1:])
    return pairs[:limit]
