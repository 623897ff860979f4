"""Staff check-in page: one form of checkboxes (keyboard: Tab and Space, works on a phone)
and the import of a webinar platform's attendance file (CSV, matched by email)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from events.attendance import service as attendance
from events.attendance.domain import MAX_FILE, read_attendance
from events.catalog import service as catalog
from events.catalog.domain import pick
from events.deps import UnitOfWork, actor
from events.errors import InvalidInput
from events.pages import as_staff, pages
from events.registration import service as registration
from shared.web.staff import Editor, Staff

router = APIRouter(prefix="/events/staff/events", include_in_schema=False)


async def _page(
    request: Request,
    uow: UnitOfWork,
    staff: Staff,
    event_id: uuid.UUID,
    *,
    report: attendance.ImportReport | None = None,
    error: InvalidInput | None = None,
    saved: bool = False,
) -> Response:
    lang = as_staff(request, staff)
    event = await catalog.get_event(uow, event_id)
    rows = [r for r in await registration.registrations_of(uow, event_id) if r.state != "cancelled"]
    rows.sort(key=lambda r: (r.state != "registered", r.name.casefold()))
    context: dict[str, Any] = {
        "event": event,
        "title": pick(event.details.title, lang),
        "when": registration.when(event, lang),
        "rows": rows,
        "attended": sum(1 for r in rows if r.attended_at is not None),
        "report": report,
        "error": error,
        "saved": saved,
    }
    return pages.render(
        request,
        "staff/attendance.html",
        context,
        lang=lang,
        status_code=422 if error else 200,
    )


@router.get("/{event_id}/attendance")
async def attendance_page(
    event_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    return await _page(
        request, uow, staff, event_id, saved=request.query_params.get("saved") == "1"
    )


@router.post("/{event_id}/attendance")
async def check_in(
    event_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    form = await request.form()
    ticked: set[uuid.UUID] = set()
    for value in form.getlist("attended"):
        try:
            ticked.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    await attendance.set_attendance(uow, event_id=event_id, attended=ticked, actor=actor(staff))
    return RedirectResponse(
        f"/events/staff/events/{event_id}/attendance?saved=1",
        status_code=status.HTTP_303_SEE_OTHER,
    )


@router.post("/{event_id}/attendance/import")
async def import_file(
    event_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    # Read from the form itself: a browser sends an empty file part when none was chosen.
    file = (await request.form()).get("file")
    data = await file.read(MAX_FILE + 1) if isinstance(file, UploadFile) else b""
    try:
        report = await attendance.import_attendance(
            uow, event_id=event_id, file=read_attendance(data), actor=actor(staff)
        )
    except InvalidInput as error:
        return await _page(request, uow, staff, event_id, error=error)
    return await _page(request, uow, staff, event_id, report=report)
