"""Editors' steps on a person's page: tags, notes and membership decisions (each with a
reason, shown on the timeline as from → to, by whom, why)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.errors import Conflict, InvalidInput
from contacts.memberships import service as memberships
from contacts.memberships.domain import MAX_STAFF_REASON, STAFF_ACTIONS, staff_reason
from contacts.notes import service as notes
from contacts.people.pages.listing import person_page_response
from contacts.tags import service as tags
from shared.web.staff import Editor

router = APIRouter(prefix="/staff/people", include_in_schema=False)
REASON_NEEDED = "Give a reason (at most 200 characters)."
NOT_NOW = "This step is not possible for the membership as it is now. Reload the page."


@router.post("/{person_id}/membership")
async def decide_membership(
    person_id: uuid.UUID,
    request: Request,
    uow: Uow,
    staff: Editor,
    action: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=MAX_STAFF_REASON * 2)] = "",
) -> Response:
    """Approve, decline, pause, resume or leave: a short reason is required for each."""
    if action not in STAFF_ACTIONS:
        return Response("Unknown action.", status_code=422)
    kept = {"reason": reason}
    try:
        why = staff_reason(reason)
    except InvalidInput:
        return await person_page_response(
            person_id, request, uow, staff, errors={"reason": REASON_NEEDED}, kept=kept
        )
    try:
        await memberships.change_membership(
            uow,
            person_id,
            action=action,
            actor=actor_of(staff),
            reason=why,
        )
    except Conflict:
        return await person_page_response(
            person_id, request, uow, staff, errors={"reason": NOT_NOW}, kept=kept
        )
    return RedirectResponse(f"/staff/people/{person_id}#membership-heading", status_code=303)


@router.post("/{person_id}/tags")
async def add_tag(
    person_id: uuid.UUID,
    uow: Uow,
    staff: Editor,
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    await tags.tag_person(uow, person_id, name, actor=actor_of(staff))
    return RedirectResponse(f"/staff/people/{person_id}", status_code=303)


@router.post("/{person_id}/tags/remove")
async def remove_tag(
    person_id: uuid.UUID,
    uow: Uow,
    staff: Editor,
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    await tags.untag_person(uow, person_id, name, actor=actor_of(staff))
    return RedirectResponse(f"/staff/people/{person_id}", status_code=303)


@router.post("/{person_id}/notes")
async def add_person_note(
    person_id: uuid.UUID,
    uow: Uow,
    staff: Editor,
    text: Annotated[str, Form(max_length=5000)],
) -> Response:
    await notes.add_note(uow, actor=actor_of(staff), text=text, person_id=person_id)
    return RedirectResponse(f"/staff/people/{person_id}#note-text", status_code=303)
