"""Staff creating and editing a person from the form: one transaction each, with the person's
details, tags and current organisation, one snapshot, the timeline event of a new link, and an
audit entry per change, as the API's use cases write them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.people.domain.form import PersonForm
from contacts.people.domain.person import Person
from contacts.unit_of_work import ContactsUnitOfWork


def current_link(links: list[dict[str, Any]], today: date) -> dict[str, Any] | None:
    """The person's link that holds today (the newest such), if any."""
    for link in links:
        if link["end_date"] is None or link["end_date"] > today:
            return link
    return None


async def _check_topics(uow: ContactsUnitOfWork, topics: tuple[str, ...]) -> None:
    known = {t.key for t in await uow.topics.all_topics(include_archived=True)}
    if set(topics) - known:
        raise InvalidInput("Unknown topics.", field="topics")


async def _stored_tags(uow: ContactsUnitOfWork, tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({await uow.tags.ensure(tag) for tag in tags}))


async def _organisation_id(uow: ContactsUnitOfWork, name: str) -> uuid.UUID:
    org = await uow.organisations.by_name(name)
    if org is None:
        raise InvalidInput("No organisation of this name.", field="organisation")
    return org.id


async def _link(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, org_id: uuid.UUID, *, actor: Actor | None
) -> None:
    """As `organisations.service.link_person` does: the link, its timeline event, the audit."""
    await uow.organisations.link(
        person_id=person_id, organisation_id=org_id, start=datetime.now(UTC).date()
    )
    await uow.events.record_activity(
        person_id, "organisation_linked", {"organisation_id": str(org_id), "role": ""}
    )
    await uow.audit.record(
        actor,
        "person.organisation_linked",
        target_type="person",
        target_id=str(person_id),
        details={"organisation_id": str(org_id)},
    )


async def create_person(
    uow: ContactsUnitOfWork, form: PersonForm, *, actor: Actor | None
) -> Person:
    """A new person from the staff form; Conflict (field email) if the address is taken."""
    async with uow:
        await _check_topics(uow, form.topics)
        org_id = await _organisation_id(uow, form.organisation) if form.organisation else None
        person = Person.new(
            email=form.email,
            first_name=form.first_name,
            last_name=form.last_name,
            language=form.language,
            phone=form.phone,
            title=form.title,
            topics=form.topics,
            tags=await _stored_tags(uow, form.tags),
        )
        await uow.people.add(person)
        await uow.audit.record(
            actor, "person.created", target_type="person", target_id=str(person.id)
        )
        if org_id is not None:
            await _link(uow, person.id, org_id, actor=actor)
        await uow.events.publish_snapshot(person)
        await uow.commit()
    return person


async def edit_person(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, form: PersonForm, *, actor: Actor | None
) -> Person:
    """The person as the staff form says; a changed organisation ends the current link today
    and starts the new one, an emptied one just ends it. Conflict (field email) if the new
    address is someone else's."""
    today = datetime.now(UTC).date()
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        await _check_topics(uow, form.topics)
        wanted: dict[str, object] = {
            "first_name": form.first_name,
            "last_name": form.last_name,
            "email": form.email,
            "phone": form.phone,
            "title": form.title,
            "language": form.language,
            "topics": form.topics,
            "tags": await _stored_tags(uow, form.tags),
        }
        changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
        held = current_link(await uow.organisations.links_of(person_id), today)
        held_name = str(held["organisation_name"]) if held else ""
        org_id = None
        if form.organisation.lower() != held_name.lower() and form.organisation:
            org_id = await _organisation_id(uow, form.organisation)
        moved = form.organisation.lower() != held_name.lower()
        if not changes and not moved:
            return person
        person = person.changed(**changes)
        await uow.people.save(person)
        if changes:
            await uow.audit.record(
                actor,
                "person.updated",
                target_type="person",
                target_id=str(person_id),
                details={"fields": sorted(changes)},
            )
        if moved and held is not None:
            await uow.organisations.end_link(held["id"], person_id, today)
            await uow.audit.record(
                actor,
                "person.organisation_unlinked",
                target_type="person",
                target_id=str(person_id),
                details={"link_id": str(held["id"])},
            )
        if org_id is not None:
            await _link(uow, person_id, org_id, actor=actor)
        await uow.events.publish_snapshot(person)
        await uow.commit()
    return person


async def find_by_email(uow: ContactsUnitOfWork, email: str) -> Person | None:
    async with uow:
        return await uow.people.find_by_email(email)


async def current_organisation(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> str:
    """The name of the organisation the person is with today ("" if none)."""
    async with uow:
        held = current_link(await uow.organisations.links_of(person_id), datetime.now(UTC).date())
    return str(held["organisation_name"]) if held else ""
