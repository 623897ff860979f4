"""Staff API for people: /api/contacts/people."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from contacts.service import people as service
from contacts.web.deps import Engine
from contacts.web.schemas import PersonIn, PersonOut, PersonPatch
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts/people", tags=["people"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_person(body: PersonIn, engine: Engine, staff: Editor) -> PersonOut:
    person = await service.register_person(engine, **body.model_dump())
    return PersonOut.of(person)


@router.get("/{person_id}")
async def read_person(person_id: uuid.UUID, engine: Engine, staff: Viewer) -> PersonOut:
    return PersonOut.of(await service.get_person(engine, person_id))


@router.patch("/{person_id}")
async def change_person(
    person_id: uuid.UUID, body: PersonPatch, engine: Engine, staff: Editor
) -> PersonOut:
    person = await service.update_person(engine, person_id, **body.model_dump(exclude_unset=True))
    return PersonOut.of(person)


@router.delete("/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
async def erase_person(person_id: uuid.UUID, engine: Engine, staff: Editor) -> None:
    await service.erase_person(engine, person_id)
