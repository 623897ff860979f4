"""Staff API for notes on people and organisations (Editor adds, Viewer reads)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from contacts.deps import Uow, actor_of
from contacts.notes import service as notes
from contacts.notes.domain import MAX_NOTE, Note
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts", tags=["notes"])


class NoteIn(BaseModel):
    # Room for the CR/LF and control characters the domain strips before its own limit.
    text: str = Field(min_length=1, max_length=MAX_NOTE * 2)


def _out(note: Note) -> dict[str, Any]:
    return {
        "id": str(note.id),
        "text": note.text,
        "author": note.author,
        "created_at": note.created_at.isoformat(),
        "person_id": str(note.person_id) if note.person_id else None,
        "organisation_id": str(note.organisation_id) if note.organisation_id else None,
    }


@router.post("/people/{person_id}/notes", status_code=status.HTTP_201_CREATED)
async def add_person_note(
    person_id: uuid.UUID, body: NoteIn, uow: Uow, staff: Editor
) -> dict[str, Any]:
    note = await notes.add_note(uow, actor=actor_of(staff), text=body.text, person_id=person_id)
    return _out(note)


@router.get("/people/{person_id}/notes")
async def person_notes(person_id: uuid.UUID, uow: Uow, staff: Viewer) -> list[dict[str, Any]]:
    return [_out(n) for n in await notes.notes_of(uow, person_id=person_id)]


@router.post("/organisations/{organisation_id}/notes", status_code=status.HTTP_201_CREATED)
async def add_organisation_note(
    organisation_id: uuid.UUID, body: NoteIn, uow: Uow, staff: Editor
) -> dict[str, Any]:
    note = await notes.add_note(
        uow, actor=actor_of(staff), text=body.text, organisation_id=organisation_id
    )
    return _out(note)


@router.get("/organisations/{organisation_id}/notes")
async def organisation_notes(
    organisation_id: uuid.UUID, uow: Uow, staff: Viewer
) -> list[dict[str, Any]]:
    return [_out(n) for n in await notes.notes_of(uow, organisation_id=organisation_id)]
