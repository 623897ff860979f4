"""Set-based person changes for bulk actions: one statement per batch, not per person."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Text, Uuid, any_, bindparam, func, literal, not_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.people.domain.person import Person
from contacts.people.repository import _to_person
from contacts.tables import people


async def change_topic(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID], topic: str, *, add: bool
) -> list[Person]:
    """Add or remove one topic; only people it changes get a new version (and are returned)."""
    has = people.c.topics.contains(literal([topic], ARRAY(Text)))
    topics = (
        func.array_append(people.c.topics, topic)
        if add
        else func.array_remove(people.c.topics, topic)
    )
    stmt = (
        update(people)
        .where(people.c.id == any_(bindparam("ids", type_=ARRAY(Uuid))))
        .where(not_(has) if add else has)
        .values(topics=topics, version=people.c.version + 1, updated_at=func.now())
        .returning(*people.c)
    )
    return [_to_person(r) for r in await conn.execute(stmt, {"ids": list(person_ids)})]


async def change_tag(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID], tag: str, *, add: bool
) -> list[Person]:
    """Add or remove one tag (its stored spelling, as people hold it); like `change_topic`."""
    has = people.c.tags.contains(literal([tag], ARRAY(Text)))
    tags = func.array_append(people.c.tags, tag) if add else func.array_remove(people.c.tags, tag)
    stmt = (
        update(people)
        .where(people.c.id == any_(bindparam("ids", type_=ARRAY(Uuid))))
        .where(not_(has) if add else has)
        .values(tags=tags, version=people.c.version + 1, updated_at=func.now())
        .returning(*people.c)
    )
    return [_to_person(r) for r in await conn.execute(stmt, {"ids": list(person_ids)})]


async def lock_people(conn: AsyncConnection, person_ids: Sequence[uuid.UUID]) -> list[Person]:
    stmt = (
        select(people)
        .where(people.c.id == any_(bindparam("ids", type_=ARRAY(Uuid))))
        .order_by(people.c.id)
        .with_for_update()
    )
    return [_to_person(r) for r in await conn.execute(stmt, {"ids": list(person_ids)})]
