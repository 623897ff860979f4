"""Staff pages for duplicates: the list of look-alikes, a side-by-side comparison, the merge."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.merging import service as merging
from contacts.merging.domain import CHOOSABLE
from contacts.people.service import people
from contacts.rendering import pages, staff_language
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/staff", include_in_schema=False)
REASONS = {
    "email": "Same address apart from dots or a +tag",
    "phone": "Same phone",
    "name_organisation": "Same name in the same organisation",
}


@router.get("/duplicates")
async def duplicates(request: Request, uow: Uow, staff: Viewer) -> Response:
    request.state.staff = staff
    return pages.render(
        request,
        "staff_duplicates.html",
        {"pairs": await merging.possible_duplicates(uow), "reasons": REASONS},
        lang=staff_language(request),
    )


@router.get("/merge")
async def compare(
    request: Request,
    uow: Uow,
    staff: Editor,
    keep: Annotated[uuid.UUID, Query()],
    other: Annotated[uuid.UUID, Query()],
) -> Response:
    request.state.staff = staff
    return pages.render(
        request,
        "staff_merge.html",
        {
            "keep": await people.get_person(uow, keep),
            "other": await people.get_person(uow, other),
            "fields": (*CHOOSABLE, "subscription_state"),
        },
        lang=staff_language(request),
    )


@router.post("/merge")
async def merge(
    request: Request,
    uow: Uow,
    staff: Editor,
    keep: Annotated[uuid.UUID, Form()],
    other: Annotated[uuid.UUID, Form()],
) -> Response:
    form = await request.form()
    # Each field's radio says whose value wins; "other" moves that field to the kept person.
    chosen = [name for name in (*CHOOSABLE, "subscription") if form.get(f"use_{name}") == "other"]
    await merging.merge_people(
        uow, keep_id=keep, merge_id=other, from_other=chosen, actor=actor_of(staff)
    )
    return RedirectResponse(f"/staff/people/{keep}", status_code=303)
