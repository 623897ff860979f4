"""Staff API for merging duplicate people: the look-alikes and the merge."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from contacts.deps import Uow, actor_of
from contacts.merging import service as merging
from contacts.merging.schemas import MergeIn
from contacts.people.schemas import PersonOut
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts", tags=["people"])


@router.get("/duplicates")
async def possible_duplicates(uow: Uow, staff: Viewer) -> list[dict[str, Any]]:
    return [
        {
            "reason": d["reason"],
            "a": PersonOut.of(d["a"]).model_dump(mode="json"),
            "b": PersonOut.of(d["b"]).model_dump(mode="json"),
        }
        for d in await merging.possible_duplicates(uow)
    ]


@router.post("/merges")
async def merge(body: MergeIn, uow: Uow, staff: Editor) -> PersonOut:
    person = await merging.merge_people(
        uow,
        keep_id=body.keep_id,
        merge_id=body.merge_id,
        from_other=body.from_other,
        actor=actor_of(staff),
    )
    return PersonOut.of(person)
