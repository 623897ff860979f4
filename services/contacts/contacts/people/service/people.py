"""People's use cases: one small function each, over contacts' unit of work."""

from __future__ import annotations

import uuid

from contacts.audit.domain import Actor, erasure_details
from contacts.classification import load_classification
from contacts.errors import InvalidInput, NotFound
from contacts.people.domain.person import (
    MAX_TITLE,
    Person,
    clean_name,
    normalise_email,
    parse_email_status,
    parse_language,
)
from contacts.people.domain.phone import normalise_phone
from contacts.unit_of_work import ContactsUnitOfWork


async def register_person(
    uow: ContactsUnitOfWork,
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "fi",
    actor: Actor | None = None,
) -> Person:
    """A new person; a staff `actor` (the API) is audited, None is the system's own step."""
    person = Person.new(email=email, first_name=first_name, last_name=last_name, language=language)
    async with uow:
        await uow.people.add(person)
        if actor is not None:
            await uow.audit.record(
                actor, "person.created", target_type="person", target_id=str(person.id)
            )
        await uow.events.publish_snapshot(person)
        await uow.commit()
    return person


async def update_person(
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    *,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    language: str | None = None,
    phone: str | None = None,
    title: str | None = None,
    municipality: str | None = None,
    topics: list[str] | None = None,
    email_status: str | None = None,
    actor: Actor | None = None,
) -> Person:
    """Change the given fields; an empty phone or municipality clears it. A staff `actor`
    is audited with the names of the fields changed."""
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
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
        if phone is not None:
            changes["phone"] = normalise_phone(phone) if phone.strip() else None
        if title is not None:
            changes["title"] = clean_name(title, field_name="title", limit=MAX_TITLE)
        if municipality is not None:
            changes["municipality"] = (
                load_classification().municipality(municipality).code
                if municipality.strip()
                else None
            )
        if topics is not None:
            known = {t.key for t in await uow.topics.all_topics(include_archived=True)}
            unknown = sorted(set(topics) - known)
            if unknown:
                raise InvalidInput(f"Unknown topics: {', '.join(unknown)}.", field="topics")
            changes["topics"] = tuple(sorted(set(topics)))
        if email_status is not None:
            changes["email_status"] = parse_email_status(email_status)
        person = person.changed(**changes)
        await uow.people.save(person)
        if actor is not None:
            await uow.audit.record(
                actor,
                "person.updated",
                target_type="person",
                target_id=str(person_id),
                details={"fields": sorted(changes)},
            )
        await uow.events.publish_snapshot(person)
        await uow.commit()
    return person


async def get_person(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> Person:
    async with uow:
        person = await uow.people.get(person_id)
    if person is None:
        raise NotFound("No such person.")
    return person


async def erase_person(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, *, actor: Actor | None, path: str
) -> None:
    """Remove the person and publish the tombstone every other service acts on; the audit
    entry (same transaction) names who erased (`actor`, None for the person themselves) and
    the path, and holds the person's id only."""
    details = erasure_details(actor, path)  # an unknown path erases no one
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        await uow.people.remove(person_id)
        await uow.events.publish_erasure(person)
        await uow.audit.record(
            actor,
            "person.erased",
            target_type="person",
            target_id=str(person_id),
            details=details,
        )
        await uow.commit()
