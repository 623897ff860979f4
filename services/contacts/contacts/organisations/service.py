"""Staff use cases for organisations and people's links to them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.organisations.domain.organisation import Organisation
from contacts.unit_of_work import ContactsUnitOfWork


async def _check_parent(uow: ContactsUnitOfWork, parent_id: uuid.UUID | None) -> None:
    if parent_id is not None and await uow.organisations.get(parent_id) is None:
        raise InvalidInput("The parent organisation does not exist.", field="parent_id")


async def create_organisation(
    uow: ContactsUnitOfWork, *, actor: Actor | None, **fields: Any
) -> Organisation:
    org = Organisation.new(**fields)
    async with uow:
        await _check_parent(uow, org.parent_id)
        await uow.organisations.add(org)
        await uow.audit.record(
            actor,
            "organisation.created",
            target_type="organisation",
            target_id=str(org.id),
        )
        await uow.commit()
    return org


async def update_organisation(
    uow: ContactsUnitOfWork, org_id: uuid.UUID, *, actor: Actor | None, **changes: Any
) -> Organisation:
    """Edit; every linked person's snapshot carries the organisation, so each is republished."""
    async with uow:
        org = await uow.organisations.get(org_id, for_update=True)
        if org is None:
            raise NotFound("No such organisation.")
        org = org.edited(**changes)
        await _check_parent(uow, org.parent_id)
        await uow.organisations.save(org)
        for person_id in await uow.organisations.people_of(org_id):
            person = await uow.people.get(person_id, for_update=True)
            if person is not None:
                person = person.changed()
                await uow.people.save(person)
                await uow.events.publish_snapshot(person)
        await uow.audit.record(
            actor,
            _update_action(changes),
            target_type="organisation",
            target_id=str(org_id),
            details={"fields": sorted(changes)},
        )
        await uow.commit()
    return org


def _update_action(changes: dict[str, Any]) -> str:
    """Archiving reads as such in the audit log; any other change is an update."""
    if set(changes) == {"archived"}:
        return "organisation.archived" if changes["archived"] else "organisation.unarchived"
    return "organisation.updated"


async def archive_organisation(
    uow: ContactsUnitOfWork, org_id: uuid.UUID, *, archived: bool = True, actor: Actor | None
) -> Organisation:
    """Archive (or bring back): the same edit the API's PATCH {"archived": ...} makes."""
    return await update_organisation(uow, org_id, actor=actor, archived=archived)


async def delete_organisation(
    uow: ContactsUnitOfWork, org_id: uuid.UUID, *, actor: Actor | None
) -> None:
    async with uow:
        if await uow.organisations.get(org_id, for_update=True) is None:
            raise NotFound("No such organisation.")
        await uow.organisations.remove(org_id)
        await uow.audit.record(
            actor,
            "organisation.deleted",
            target_type="organisation",
            target_id=str(org_id),
        )
        await uow.commit()


async def get_organisation(uow: ContactsUnitOfWork, org_id: uuid.UUID) -> Organisation:
    async with uow:
        org = await uow.organisations.get(org_id)
    if org is None:
        raise NotFound("No such organisation.")
    return org


async def search_organisations(
    uow: ContactsUnitOfWork, **filters: Any
) -> tuple[list[Organisation], int]:
    async with uow:
        return await uow.organisations.search(**filters)


async def link_person(
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    role: str = "",
    start: date | None = None,
    end: date | None = None,
    actor: Actor | None,
) -> uuid.UUID:
    if len(role) > 150:
        raise InvalidInput("Role is longer than 150 characters.", field="role")
    if start and end and end < start:
        raise InvalidInput("The end date is before the start date.", field="end_date")
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        if await uow.organisations.get(organisation_id) is None:
            raise InvalidInput("No such organisation.", field="organisation_id")
        link_id = await uow.organisations.link(
            person_id=person_id,
            organisation_id=organisation_id,
            role=role.strip(),
            start=start,
            end=end,
        )
        person = person.changed()
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        await uow.events.record_activity(
            person_id,
            "organisation_linked",
            {"organisation_id": str(organisation_id), "role": role},
        )
        await uow.audit.record(
            actor,
            "person.organisation_linked",
            target_type="person",
            target_id=str(person_id),
            details={"organisation_id": str(organisation_id)},
        )
        await uow.commit()
    return link_id


async def end_link(
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    link_id: uuid.UUID,
    *,
    end: date,
    actor: Actor | None,
) -> None:
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None or not await uow.organisations.end_link(link_id, person_id, end):
            raise NotFound("No such link.")
        person = person.changed()
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        await uow.audit.record(
            actor,
            "person.organisation_unlinked",
            target_type="person",
            target_id=str(person_id),
            details={"link_id": str(link_id)},
        )
        await uow.commit()
