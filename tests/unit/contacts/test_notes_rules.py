"""Staff notes on the in-memory unit of work: only on someone who exists, audited without text."""

from __future__ import annotations

import uuid

import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.notes import service
from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")


async def test_a_note_on_a_person_is_kept_and_audited_by_its_id_not_its_text() -> None:
    uow = FakeContactsUnitOfWork()
    person = Person.new(email="aino@example.fi", first_name="Aino", last_name="V")
    await uow.people.add(person)
    first = await service.add_note(uow, actor=EDITOR, text="Soitettu", person_id=person.id)
    second = await service.add_note(uow, actor=EDITOR, text="Sairauslomalla", person_id=person.id)
    assert {n.id for n in await service.notes_of(uow, person_id=person.id)} == {first.id, second.id}
    (entry, _) = uow.audit.entries
    assert (entry.action, entry.target_type, entry.target_id) == (
        "note.added",
        "person",
        str(person.id),
    )
    assert entry.details == {"note_id": str(first.id)}
    assert "Soitettu" not in str(entry)
    assert uow.commits == 2


async def test_notes_need_someone_who_exists_and_an_organisation_keeps_its_own() -> None:
    uow = FakeContactsUnitOfWork()
    org = Organisation.new(name="Kirjasto", status="active")
    await uow.organisations.add(org)
    with pytest.raises(NotFound):
        await service.add_note(uow, actor=EDITOR, text="x", person_id=uuid.UUID(int=1))
    with pytest.raises(NotFound):
        await service.notes_of(uow, organisation_id=uuid.UUID(int=2))
    with pytest.raises(NotFound):
        await service.notes_of(uow)
    note = await service.add_note(uow, actor=EDITOR, text="Sopimus", organisation_id=org.id)
    assert await service.notes_of(uow, organisation_id=org.id) == [note]
    assert uow.audit.entries[-1].target_type == "organisation"
    with pytest.raises(InvalidInput):
        await service.add_note(uow, actor=EDITOR, text="  ", organisation_id=org.id)
    assert len(uow.notes.rows) == 1
