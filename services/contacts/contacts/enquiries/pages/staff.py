"""Staff queue of enquiries: /staff/enquiries (Viewer reads, Editor replies, closes, erases)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.enquiries import service
from contacts.enquiries.domain import MAX_REPLY, STATES, EnquiryAction
from contacts.enquiries.pages.public import KIND_LABELS
from contacts.errors import DomainError
from contacts.labels import staff_names
from contacts.rendering import pages, staff_language
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/staff/enquiries", include_in_schema=False)
ACTIONS: tuple[EnquiryAction, ...] = ("close", "reopen")
# English source labels (translated in the staff catalog).
STATE_LABELS = {"open": "Open", "answered": "Answered", "closed": "Closed"}
DONE_LABELS = {
    "replied": "The reply is on its way.",
    "closed": "The enquiry is closed.",
    "reopened": "The enquiry is open again.",
    "erased": "The enquiry is erased.",
}
LANGUAGE_LABELS = {"fi": "Finnish", "sv": "Swedish", "en": "English"}


@router.get("")
async def enquiry_queue(
    request: Request,
    uow: Uow,
    staff: Viewer,
    state: Annotated[str, Query(max_length=20)] = "open",
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    request.state.staff = staff
    chosen = state if state in STATES else ""
    found, counts = await service.queue(uow, state=chosen or None)
    return pages.render(
        request,
        "staff_enquiries.html",
        {
            "enquiries": found,
            "counts": counts,
            "state": chosen,
            "states": STATE_LABELS,
            "kinds": KIND_LABELS,
            "done": DONE_LABELS.get(done, ""),
        },
        lang=staff_language(request),
    )


async def _detail(
    request: Request,
    uow: Uow,
    enquiry_id: uuid.UUID,
    *,
    may_edit: bool,
    done: str = "",
    reply: str = "",
    error: str = "",
    status_code: int = 200,
) -> Response:
    return pages.render(
        request,
        "staff_enquiry.html",
        {
            "e": await service.get(uow, enquiry_id),
            "states": STATE_LABELS,
            "kinds": KIND_LABELS,
            "languages": LANGUAGE_LABELS,
            "names": await staff_names(uow),
            "may_edit": may_edit,
            "done": DONE_LABELS.get(done, ""),
            "reply": reply,
            "error": error,
            "max_reply": MAX_REPLY,
        },
        lang=staff_language(request),
        status_code=status_code,
    )


@router.get("/{enquiry_id}")
async def enquiry_page(
    enquiry_id: uuid.UUID,
    request: Request,
    uow: Uow,
    staff: Viewer,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    request.state.staff = staff
    return await _detail(request, uow, enquiry_id, may_edit=staff.may("editor"), done=done)


@router.post("/{enquiry_id}/reply")
async def reply_to_enquiry(
    enquiry_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    request.state.staff = staff
    form = await request.form()
    body = str(form.get("reply", ""))
    try:
        await service.reply(uow, enquiry_id, body, actor=actor_of(staff))
    except DomainError as error:
        if error.field != "reply" and "closed" not in error.message:
            raise
        return await _detail(
            request,
            uow,
            enquiry_id,
            may_edit=True,
            reply=body[: MAX_REPLY + 1],
            error=error.message,
            status_code=422 if error.field == "reply" else 409,
        )
    return RedirectResponse(
        f"/staff/enquiries/{enquiry_id}?done=replied", status.HTTP_303_SEE_OTHER
    )


@router.post("/{enquiry_id}")
async def act_on_enquiry(
    enquiry_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    if action == "erase":
        await service.erase(uow, enquiry_id, actor=actor_of(staff))
        return RedirectResponse("/staff/enquiries?done=erased", status.HTTP_303_SEE_OTHER)
    if action not in ACTIONS:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown action")
    after = await service.act(uow, enquiry_id, action, actor=actor_of(staff))
    done = "closed" if after.state == "closed" else "reopened"
    return RedirectResponse(f"/staff/enquiries/{enquiry_id}?done={done}", status.HTTP_303_SEE_OTHER)
