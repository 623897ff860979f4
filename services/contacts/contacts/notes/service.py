"""Staff notes: an Editor adds one to a person or an organisation, a Viewer reads them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import NotFound
from contacts.notes import repository as store
from contacts.notes.domain import Note
from contacts.organisations import repository as organisations
from contacts.people import repository as people
from contacts.unit_of_work import unit_of_work


async def add_note(
    engine: AsyncEngine,
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
    async with unit_of_work(engine) as uow:
        await _require_subject(uow.conn, person_id, organisation_id)
        await store.add(uow.conn, note)
        # The audit names the note, not its text: notes may hold personal details.
        await audit(
            uow.conn,
            actor,
            "note.added",
            target_type="person" if person_id else "organisation",
            target_id=str(person_id or organisation_id),
            details={"note_id": str(note.id)},
        )
        await uow.commit()
    return note


async def notes_of(
    engine: AsyncEngine,
    *,
    person_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
) -> list[Note]:
    async with engine.connect() as conn:
        await _require_subject(conn, person_id, organisation_id)
        if person_id is not None:
            return await store.of_person(conn, person_id)
        assert organisation_id is not None
        return await store.of_organisation(conn, organisation_id)


async def _require_subject(
    conn: AsyncConnection, person_id: uuid.UUID | None, organisation_id: uuid.UUID | None
) -> None:
    if person_id is not None and await people.get(conn, person_id) is None:
        raise NotFound("No such person.")
    if organisation_id is not None and await organisations.get(conn, organisation_id) is None:
        raise NotFound("No such organisation.")
