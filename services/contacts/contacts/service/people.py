"""Contacts' use cases: one small function each, over a unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.domain.errors import NotFound
from contacts.domain.person import Person, clean_name, normalise_email, parse_language
from contacts.persistence import people
from contacts.persistence.unit_of_work import unit_of_work
from contacts.snapshots import publish_erasure, publish_snapshot


async def register_person(
    engine: AsyncEngine,
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "fi",
) -> Person:
    person = Person.new(email=email, first_name=first_name, last_name=last_name, language=language)
    async with unit_of_work(engine) as uow:
        await people.add(uow.conn, person)
        await publish_snapshot(uow, person)
        await uow.commit()
    return person


async def update_person(
    engine: AsyncEngine,
    person_id: uuid.UUID,
    *,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    language: str | None = None,
) -> Person:
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        changes: dict[str, object] = {}
        if email is not None:
            changes["email"] = normalise_email(email)
        if first_name is not None:
            changes["first_name"] = clean_name(first_name, field_name="first_name")
        if last_name is not None:
            changes["last_name"] = clean_name(last_name, field_name="last_name")
        if language is not None:
            changes["language"] = parse_language(language)
        person = person.changed(**changes)
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        await uow.commit()
    return person


async def get_person(engine: AsyncEngine, person_id: uuid.UUID) -> Person:
    async with engine.connect() as conn:
        person = await people.get(conn, person_id)
    if person is None:
        raise NotFound("No such person.")
    return person


async def erase_person(engine: AsyncEngine, person_id: uuid.UUID) -> None:
    """Remove the person and publish the tombstone every other service acts on."""
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        await people.remove(uow.conn, person_id)
        await publish_erasure(uow, person)
        await uow.commit()
