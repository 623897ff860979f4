"""Staff API for merging duplicate people: the look-alikes and the merge."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from contacts.deps import Engine, actor_of
from contacts.merging import service as merging
from contacts.merging.schemas import MergeIn
from contacts.people.schemas import PersonOut
from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts", tags=["people"], dependencies=[Depends(check_csrf)])


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
