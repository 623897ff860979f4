"""Staff queue of visit requests: /staff/visits (Viewer reads, Editor moves and notes)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.labels import staff_names
from contacts.rendering import pages, staff_language
from contacts.visits import service
from contacts.visits.domain import VISIT_STATES, VisitAction
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/staff/visits", include_in_schema=False)
ACTIONS: tuple[VisitAction, ...] = ("agree", "complete", "decline", "note")
# English source labels (translated in the staff catalog).
STATE_LABELS = {"new": "New", "agreed": "Agreed", "done": "Done", "declined": "Declined"}


@router.get("")
async def visit_queue(
    request: Request,
    uow: Uow,
    staff: Viewer,
    state: Annotated[str, Query(max_length=20)] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    request.state.staff = staff
    chosen = state if state in VISIT_STATES else None
    found = await service.queue(uow, state=chosen, with_event_drafts=staff.may("editor"))
    return pages.render(
        request,
        "staff_visits.html",
        {
            "visits": found.visits,
            "event_drafts": found.event_drafts,
            "state": chosen or "",
            "states": STATE_LABELS,
            "staff_names": await staff_names(uow),
            "done": done,
            "may_edit": staff.may("editor"),
        },
        lang=staff_language(request),
    )


@router.post("/{visit_id}")
async def act_on_visit(visit_id: uuid.UUID, request: Request, uow: Uow, staff: Editor) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    if action not in ACTIONS:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown action")
    note = str(form.get("note", ""))
    after = await service.act(
        uow,
        visit_id,
        action,
        actor=actor_of(staff),
        note=note,
    )
    return RedirectResponse(f"/staff/visits?done={after.state}", status.HTTP_303_SEE_OTHER)
