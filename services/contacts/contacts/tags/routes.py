"""Staff API for tags: the vocabulary, and tagging one person."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends

from contacts.deps import Uow, actor_of
from contacts.people.schemas import PersonOut
from contacts.tags import service as tags
from contacts.tags.schemas import TagIn
from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts", tags=["people"], dependencies=[Depends(check_csrf)])


@router.get("/tags")
async def list_tags(uow: Uow, staff: Viewer) -> list[dict[str, Any]]:
    return [{"name": name, "people": n} for name, n in await tags.list_tags(uow)]


@router.post("/people/{person_id}/tags")
async def add_tag(person_id: uuid.UUID, body: TagIn, uow: Uow, staff: Editor) -> PersonOut:
    return PersonOut.of(await tags.tag_person(uow, person_id, body.name, actor=actor_of(staff)))


@router.delete("/people/{person_id}/tags/{name}")
async def remove_tag(person_id: uuid.UUID, name: str, uow: Uow, staff: Editor) -> PersonOut:
    return PersonOut.of(await tags.untag_person(uow, person_id, name, actor=actor_of(staff)))
