"""Staff API for tags and for merging duplicate people."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from contacts.deps import Engine, actor_of
from contacts.merging import service as merging
from contacts.merging.domain import CHOICES
from contacts.schemas import PersonOut
from contacts.tags import service as tags
from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts", tags=["people"], dependencies=[Depends(check_csrf)])


class TagIn(BaseModel):
    name: str = Field(max_length=200)


class MergeIn(BaseModel):
    keep_id: uuid.UUID
    merge_id: uuid.UUID
    from_other: list[str] = Field(default=[], max_length=len(CHOICES))


@router.get("/tags")
async def list_tags(engine: Engine, staff: Viewer) -> list[dict[str, Any]]:
    return [{"name": name, "people": n} for name, n in await tags.list_tags(engine)]


@router.post("/people/{person_id}/tags")
async def add_tag(person_id: uuid.UUID, body: TagIn, engine: Engine, staff: Editor) -> PersonOut:
    return PersonOut.of(await tags.tag_person(engine, person_id, body.name, actor=actor_of(staff)))


@router.delete("/people/{person_id}/tags/{name}")
async def remove_tag(person_id: uuid.UUID, name: str, engine: Engine, staff: Editor) -> PersonOut:
    return PersonOut.of(await tags.untag_person(engine, person_id, name, actor=actor_of(staff)))


@router.get("/duplicates")
async def possible_duplicates(engine: Engine, staff: Viewer) -> list[dict[str, Any]]:
    return [
        {
            "reason": d["reason"],
            "a": PersonOut.of(d["a"]).model_dump(mode="json"),
            "b": PersonOut.of(d["b"]).model_dump(mode="json"),
        }
        for d in await merging.possible_duplicates(engine)
    ]


@router.post("/merges")
async def merge(body: MergeIn, engine: Engine, staff: Editor) -> PersonOut:
    person = await merging.merge_people(
        engine,
        keep_id=body.keep_id,
        merge_id=body.merge_id,
        from_other=body.from_other,
        actor=actor_of(staff),
    )
    return PersonOut.of(person)
