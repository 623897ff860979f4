"""Tagging people: staff add and remove free labels; every change republishes the snapshot."""

from __future__ import annotations

import uuid

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.people.domain.person import Person
from contacts.tags.domain import clean_tag
from contacts.unit_of_work import ContactsUnitOfWork


async def list_tags(uow: ContactsUnitOfWork, lang: str = "fi") -> list[tuple[str, int]]:
    async with uow:
        return await uow.tags.all_with_counts(lang)


async def tag_names(uow: ContactsUnitOfWork, lang: str = "fi") -> list[str]:
    """The tags forms offer, without counting who carries them (that reads every person)."""
    async with uow:
        return await uow.tags.names(lang)


async def tag_person(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, name: str, *, actor: Actor | None
) -> Person:
    """Add a tag (an existing tag of any letter case is reused, else created)."""
    wanted = clean_tag(name)
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        stored = await uow.tags.ensure(wanted)
        if stored in person.tags:
            return person
        person = person.changed(tags=tuple(sorted({*person.tags, stored})))
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        await uow.audit.record(
            actor,
            "person.tagged",
            target_type="person",
            target_id=str(person_id),
            details={"tag": stored},
        )
        await uow.commit()
    return person


async def untag_person(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, name: str, *, actor: Actor | None
) -> Person:
    """Remove a tag, matched case-insensitively; removing one not held changes nothing."""
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        kept = tuple(t for t in person.tags if t.lower() != name.strip().lower())
        if kept == person.tags:
            return person
        person = person.changed(tags=kept)
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        await uow.audit.record(
            actor,
            "person.untagged",
            target_type="person",
            target_id=str(person_id),
            details={"tag": name.strip()},
        )
        await uow.commit()
    return person
