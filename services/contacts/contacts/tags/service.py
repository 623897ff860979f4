"""Tagging people: staff add and remove free labels; every change republishes the snapshot."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import NotFound
from contacts.people import repository as people
from contacts.people.domain.person import Person
from contacts.snapshots import publish_snapshot
from contacts.tags import repository as tag_store
from contacts.tags.domain import clean_tag
from contacts.unit_of_work import unit_of_work


async def list_tags(engine: AsyncEngine) -> list[tuple[str, int]]:
    async with engine.connect() as conn:
        return await tag_store.all_with_counts(conn)


async def tag_person(
    engine: AsyncEngine, person_id: uuid.UUID, name: str, *, actor: Actor | None
) -> Person:
    """Add a tag (an existing tag of any letter case is reused, else created)."""
    wanted = clean_tag(name)
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        stored = await tag_store.ensure(uow.conn, wanted)
        if stored in person.tags:
            return person
        person = person.changed(tags=tuple(sorted({*person.tags, stored})))
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        await audit(
            uow.conn,
            actor,
            "person.tagged",
            target_type="person",
            target_id=str(person_id),
            details={"tag": stored},
        )
        await uow.commit()
    return person


async def untag_person(
    engine: AsyncEngine, person_id: uuid.UUID, name: str, *, actor: Actor | None
) -> Person:
    """Remove a tag, matched case-insensitively; removing one not held changes nothing."""
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        kept = tuple(t for t in person.tags if t.lower() != name.strip().lower())
        if kept == person.tags:
            return person
        person = person.changed(tags=kept)
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        await audit(
            uow.conn,
            actor,
            "person.untagged",
            target_type="person",
            target_id=str(person_id),
            details={"tag": name.strip()},
        )
        await uow.commit()
    return person
