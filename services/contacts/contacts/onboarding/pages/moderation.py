"""Staff page for group moderation: paste pending requests, tick, approve (plain form posts)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status

from contacts.deps import Uow, actor_of
from contacts.onboarding.routes import MAX_PASTE_CHARS
from contacts.onboarding.service import group_members
from contacts.onboarding.service import onboarding as service
from contacts.rendering import pages, staff_language
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/staff/onboarding", include_in_schema=False)


def _page(
    request: Request,
    staff: Staff,
    *,
    text: str = "",
    rows: list[dict[str, Any]] | None = None,
    done: str | None = None,
    report: list[dict[str, Any]] | None = None,
    decision: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    rows = rows or []
    return pages.render(
        request,
        "staff_onboarding.html",
        {
            "text": text,
            "matched": [r for r in rows if r["person_id"]],
            "ambiguous": [r for r in rows if r["reason"] == "ambiguous"],
            "unmatched": [r for r in rows if not r["person_id"] and r["reason"] != "ambiguous"],
            "searched": bool(rows),
            "done": done,
            "report": report,
            "decision": decision,
            "errors": errors or {},
            "may_edit": staff.may("editor"),
            "may_import": staff.may("admin"),
        },
        lang=staff_language(request),
        status_code=status_code,
    )


@router.get("")
async def onboarding_page(request: Request, staff: Viewer, done: str | None = None) -> Response:
    return _page(request, staff, done=done)


@router.post("/match")
async def match_lines(request: Request, uow: Uow, staff: Editor) -> Response:
    text = str((await request.form()).get("text", ""))
    if not text.strip() or len(text) > MAX_PASTE_CHARS:
        message = "Paste at least one line." if not text.strip() else "The text is too long."
        return _page(
            request, staff, text=text[:MAX_PASTE_CHARS], errors={"text": message}, status_code=422
        )
    rows = await service.match(uow, text, actor=actor_of(staff))
    return _page(request, staff, text=text, rows=rows)


@router.post("/decide")
async def decide(request: Request, uow: Uow, staff: Editor) -> Response:
    form = await request.form()
    decision = str(form.get("decision", ""))
    if decision not in ("approve", "decline", "left", "request"):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown decision")
    try:
        ids = [uuid.UUID(str(v)) for v in form.getlist("person_id")]
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "bad person id") from exc
    if decision == "left":  # members who left the group, found by pasting their names
        result = await group_members.mark_left(uow, ids, actor=actor_of(staff))
    elif decision == "request":  # seen in the queue; the decision comes later
        result = await service.mark_requested(uow, ids, actor=actor_of(staff))
    else:
        result = await service.decide(
            uow, ids, "approve" if decision == "approve" else "decline", actor=actor_of(staff)
        )
    # The answer is the report itself: per person what was done or skipped and why (deciding
    # again changes nothing, so a reload is harmless).
    return _page(request, staff, report=result["report"], decision=decision)
