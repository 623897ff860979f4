"""A person's data-protection steps from their page: the GDPR export (a download, audited)
and erasure, behind a page that says what erasing does and asks for the address typed in."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.people.routes import export_download
from contacts.people.service import people
from contacts.rendering import pages, staff_language
from contacts.unit_of_work import ContactsUnitOfWork
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/staff/people", include_in_schema=False)
TYPE_THE_ADDRESS = "To erase, type the person's email address exactly."


@router.get("/{person_id}/export")
async def export_person(person_id: uuid.UUID, staff: Viewer, uow: Uow) -> Response:
    """The GDPR export as a download, the same JSON (and audit entry) as the API's."""
    return await export_download(person_id, uow, actor_of(staff))


async def _confirmation(
    person_id: uuid.UUID,
    request: Request,
    uow: ContactsUnitOfWork,
    staff: Staff,
    *,
    errors: dict[str, str] | None = None,
) -> Response:
    request.state.staff = staff
    person = await people.get_person(uow, person_id)  # or 404
    return pages.render(
        request,
        "staff_person_erase.html",
        {"person": person, "errors": errors or {}, "error_order": list(errors or {})},
        lang=staff_language(request),
        status_code=422 if errors else 200,
    )


@router.get("/{person_id}/erase")
async def confirm_erasure(
    person_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    return await _confirmation(person_id, request, uow, staff)


@router.post("/{person_id}/erase")
async def erase_person(
    person_id: uuid.UUID,
    request: Request,
    uow: Uow,
    staff: Editor,
    confirmation: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Erasing needs the person's email address typed in: a slip cannot erase anyone."""
    person = await people.get_person(uow, person_id)
    if confirmation.strip().lower() != person.email.lower():
        errors = {"confirmation": TYPE_THE_ADDRESS}
        return await _confirmation(person_id, request, uow, staff, errors=errors)
    await people.erase_person(uow, person_id, actor=actor_of(staff), path="person page")
    return RedirectResponse("/staff/people?erased=1", status_code=303)
