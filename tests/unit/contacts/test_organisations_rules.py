"""Organisation use cases on the in-memory unit of work: links, snapshots, audit, refusals."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from contacts.audit.domain import Actor
from contacts.errors import Conflict, InvalidInput, NotFound
from contacts.organisations.service import (
    create_organisation,
    delete_organisation,
    end_link,
    get_organisation,
    link_person,
    update_organisation,
)
from contacts.people.service.people import register_person

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")


async def test_creating_is_audited() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto", type="library")
    assert uow.organisations.rows[org.id] == org
    assert [(e.action, e.target_id) for e in uow.audit.entries] == [
        ("organisation.created", str(org.id))
    ]


async def test_an_unknown_parent_is_refused_and_nothing_stored() -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(InvalidInput) as refused:
        await create_organisation(uow, actor=EDITOR, name="Haara", parent_id=uuid.uuid4())
    assert refused.value.field == "parent_id"
    assert uow.organisations.rows == {}
    assert uow.audit.entries == []


async def test_linking_puts_the_organisation_in_the_persons_snapshot() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto", municipality_code="091")
    person = await register_person(uow, email="aino@example.fi")
    await link_person(uow, person.id, organisation_id=org.id, role="librarian", actor=EDITOR)
    latest = uow.snapshots()[-1]
    assert (latest.organisation_id, latest.organisation_name) == (org.id, "Kirjasto")
    assert (latest.municipality, latest.region) == ("091", "01")
    assert latest.version == person.version + 1
    assert uow.activity_kinds() == ["organisation_linked"]
    assert uow.audit.entries[-1].action == "person.organisation_linked"


async def test_a_link_ending_before_it_starts_is_refused() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    person = await register_person(uow, email="aino@example.fi")
    with pytest.raises(InvalidInput):
        await link_person(
            uow,
            person.id,
            organisation_id=org.id,
            start=date(2026, 2, 1),
            end=date(2026, 1, 1),
            actor=EDITOR,
        )
    assert uow.organisations.links == {}


async def test_linking_to_a_missing_organisation_or_person_is_refused() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    person = await register_person(uow, email="aino@example.fi")
    with pytest.raises(InvalidInput) as refused:
        await link_person(uow, person.id, organisation_id=uuid.uuid4(), actor=EDITOR)
    assert refused.value.field == "organisation_id"
    with pytest.raises(NotFound):
        await link_person(uow, uuid.uuid4(), organisation_id=org.id, actor=EDITOR)
    assert uow.organisations.links == {}


async def test_editing_republishes_every_linked_person() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    aino = await register_person(uow, email="aino@example.fi")
    bertta = await register_person(uow, email="bertta@example.fi")
    for person in (aino, bertta):
        await link_person(uow, person.id, organisation_id=org.id, actor=EDITOR)
    before = len(uow.snapshots())
    await update_organisation(uow, org.id, actor=EDITOR, name="Pääkirjasto")
    renamed = uow.snapshots()[before:]
    assert {s.contact_id for s in renamed} == {aino.id, bertta.id}
    assert {s.organisation_name for s in renamed} == {"Pääkirjasto"}
    assert uow.audit.entries[-1].details == {"fields": ["name"]}


async def test_ending_a_link_takes_the_organisation_out_of_the_snapshot() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    person = await register_person(uow, email="aino@example.fi")
    link_id = await link_person(uow, person.id, organisation_id=org.id, actor=EDITOR)
    await end_link(uow, person.id, link_id, end=date(2026, 3, 1), actor=EDITOR)
    assert uow.snapshots()[-1].organisation_id is None
    assert uow.audit.entries[-1].action == "person.organisation_unlinked"


async def test_ending_someone_elses_link_is_not_found() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    aino = await register_person(uow, email="aino@example.fi")
    bertta = await register_person(uow, email="bertta@example.fi")
    link_id = await link_person(uow, aino.id, organisation_id=org.id, actor=EDITOR)
    with pytest.raises(NotFound):
        await end_link(uow, bertta.id, link_id, end=date(2026, 3, 1), actor=EDITOR)
    assert uow.organisations.links[link_id].end_date is None


async def test_an_organisation_people_are_linked_to_cannot_be_deleted() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    person = await register_person(uow, email="aino@example.fi")
    await link_person(uow, person.id, organisation_id=org.id, actor=EDITOR)
    with pytest.raises(Conflict):
        await delete_organisation(uow, org.id, actor=EDITOR)
    assert await get_organisation(uow, org.id) == org


async def test_a_deleted_organisation_is_gone() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    await delete_organisation(uow, org.id, actor=EDITOR)
    with pytest.raises(NotFound):
        await get_organisation(uow, org.id)
    assert uow.audit.entries[-1].action == "organisation.deleted"
