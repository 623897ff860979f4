"""Staff notes: an Editor adds one to a person or an organisation, a Viewer reads them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.notes.domain import Note
from contacts.unit_of_work import ContactsUnitOfWork


async def add_note(
    uow: ContactsUnitOfWork,
    *,
    actor: Actor,
    text: str,
    person_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
) -> Note:
    note = Note.new(
        text=text,
        author=actor.id,
        at=datetime.now(UTC),
        person_id=person_id,
        organisation_id=organisation_id,
    )
    async with uow:
        await _require_subject(uow, person_id, organisation_id)
        await uow.notes.add(note)
        # The audit names the note, not its text: notes may hold personal details.
        await uow.audit.record(
            actor,
            "note.added",
            target_type="person" if person_id else "organisation",
            target_id=str(person_id or organisation_id),
            details={"note_id": str(note.id)},
        )
        await uow.commit()
    return note


async def notes_of(
    uow: ContactsUnitOfWork,
    *,
    person_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
) -> list[Note]:
    """Newest first (at most 500)."""
    async with uow:
        await _require_subject(uow, person_id, organisation_id)
        if person_id is not None:
            return await uow.notes.of_person(person_id)
        if organisation_id is None:
            raise NotFound("Notes are of a person or of an organisation.")
        return await uow.notes.of_organisation(organisation_id)


async def _require_subject(
    uow: ContactsUnitOfWork, person_id: uuid.UUID | None, organisation_id: uuid.UUID | None
) -> None:
    if person_id is not None and await uow.people.get(person_id) is None:
        raise NotFound("No such person.")
    if organisation_id is not None and await uow.organisations.get(organisation_id) is None:
        raise NotFound("No such organisation.")
