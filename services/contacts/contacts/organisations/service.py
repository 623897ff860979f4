"""Staff use cases for organisations and people's links to them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import InvalidInput, NotFound
from contacts.organisations import repository as organisations
from contacts.organisations.domain.organisation import Organisation
from contacts.people import repository as people
from contacts.snapshots import publish_snapshot, record_activity
from contacts.unit_of_work import unit_of_work
from shared.outbox.unit_of_work import UnitOfWork


async def _check_parent(uow: UnitOfWork, parent_id: uuid.UUID | None) -> None:
    if parent_id is not None and await organisations.get(uow.conn, parent_id) is None:
        raise InvalidInput("The parent organisation does not exist.", field="parent_id")


async def create_organisation(
    engine: AsyncEngine, *, actor: Actor | None, **fields: Any
) -> Organisation:
    org = Organisation.new(**fields)
    async with unit_of_work(engine) as uow:
        await _check_parent(uow, org.parent_id)
        await organisations.add(uow.conn, org)
        await audit(
            uow.conn,
            actor,
            "organisation.created",
            target_type="organisation",
            target_id=str(org.id),
        )
        await uow.commit()
    return org


async def update_organisation(
    engine: AsyncEngine, org_id: uuid.UUID, *, actor: Actor | None, **changes: Any
) -> Organisation:
    """Edit; every linked person's snapshot carries the organisation, so each is republished."""
    async with unit_of_work(engine) as uow:
        org = await organisations.get(uow.conn, org_id, for_update=True)
        if org is None:
            raise NotFound("No such organisation.")
        org = org.edited(**changes)
        await _check_parent(uow, org.parent_id)
        await organisations.save(uow.conn, org)
        for person_id in await organisations.people_of(uow.conn, org_id):
            person = await people.get(uow.conn, person_id, for_update=True)
            if person is not None:
                person = person.changed()
                await people.save(uow.conn, person)
                await publish_snapshot(uow, person)
        await audit(
            uow.conn,
            actor,
            "organisation.updated",
            target_type="organisation",
            target_id=str(org_id),
            details={"fields": sorted(changes)},
        )
        await uow.commit()
    return org


async def delete_organisation(
    engine: AsyncEngine, org_id: uuid.UUID, *, actor: Actor | None
) -> None:
    async with unit_of_work(engine) as uow:
        if await organisations.get(uow.conn, org_id, for_update=True) is None:
            raise NotFound("No such organisation.")
        await organisations.remove(uow.conn, org_id)
        await audit(
            uow.conn,
            actor,
            "organisation.deleted",
            target_type="organisation",
            target_id=str(org_id),
        )
        await uow.commit()


async def get_organisation(engine: AsyncEngine, org_id: uuid.UUID) -> Organisation:
    async with engine.connect() as conn:
        org = await organisations.get(conn, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    return org


async def search_organisations(
    engine: AsyncEngine, **filters: Any
) -> tuple[list[Organisation], int]:
    async with engine.connect() as conn:
        return await organisations.search(conn, **filters)


async def link_person(
    engine: AsyncEngine,
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
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        if await organisations.get(uow.conn, organisation_id) is None:
            raise InvalidInput("No such organisation.", field="organisation_id")
        link_id = await organisations.link(
            uow.conn,
            person_id=person_id,
            organisation_id=organisation_id,
            role=role.strip(),
            start=start,
            end=end,
        )
        person = person.changed()
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        await record_activity(
            uow,
            person_id,
            "organisation_linked",
            {"organisation_id": str(organisation_id), "role": role},
        )
        await audit(
            uow.conn,
            actor,
            "person.organisation_linked",
            target_type="person",
            target_id=str(person_id),
            details={"organisation_id": str(organisation_id)},
        )
        await uow.commit()
    return link_id


async def end_link(
    engine: AsyncEngine, person_id: uuid.UUID, link_id: uuid.UUID, *, end: date, actor: Actor | None
) -> None:
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None or not await organisations.end_link(uow.conn, link_id, person_id, end):
            raise NotFound("No such link.")
        person = person.changed()
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        await audit(
            uow.conn,
            actor,
            "person.organisation_unlinked",
            target_type="person",
            target_id=str(person_id),
            details={"link_id": str(link_id)},
        )
        await uow.commit()
