"""The staff form for a person: a new person, and editing one (the same fields and rules).

Every field is checked at once and each error shown next to its field and in a summary at the
top; the form keeps what was typed. A taken address names the person who has it, with a link.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.errors import Conflict, InvalidInput
from contacts.organisations import service as organisations
from contacts.people.domain.form import (
    DUPLICATE_EMAIL,
    FIELDS,
    MESSAGES,
    PersonForm,
    parse_person_form,
    values_of,
)
from contacts.people.domain.person import LANGUAGES
from contacts.people.labels import LANGUAGE_LABELS
from contacts.people.service import editing, people
from contacts.rendering import pages, staff_language
from contacts.tags import service as tags
from contacts.topics import service as topics_service
from contacts.unit_of_work import ContactsUnitOfWork
from shared.web.staff import Editor, Staff

router = APIRouter(prefix="/staff/people", include_in_schema=False)
MAX_CHOICES = 2000  # organisations offered by name in the form's list
BLANK: dict[str, object] = {name: "" for name in FIELDS} | {"topics": [], "language": "fi"}


async def _render(
    request: Request,
    uow: ContactsUnitOfWork,
    staff: Staff,
    *,
    values: dict[str, object],
    person_id: uuid.UUID | None = None,
    errors: dict[str, str] | None = None,
    duplicate: uuid.UUID | None = None,
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    topics = [(t.key, t.name(lang)) for t in await topics_service.list_topics(uow)]
    active, _total = await organisations.search_organisations(
        uow, status="active", limit=MAX_CHOICES
    )
    return pages.render(
        request,
        "staff_person_form.html",
        {
            "person_id": person_id,
            "values": values,
            "errors": errors or {},
            "error_order": [n for n in FIELDS if n in (errors or {})],
            "duplicate": duplicate,
            "languages": [(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
            "topics": topics,
            "organisations": [o.name for o in active],
            "known_tags": [name for name, _count in await tags.list_tags(uow)],
        },
        lang=lang,
        status_code=422 if errors else 200,
    )


async def _parsed(
    request: Request, uow: ContactsUnitOfWork, *, new: bool
) -> tuple[PersonForm | None, dict[str, str], dict[str, object]]:
    posted = await request.form()
    values = {name: [str(v) for v in posted.getlist(name)] for name in FIELDS}
    known = {t.key for t in await topics_service.list_topics(uow, include_archived=True)}
    return parse_person_form(values, known_topics=known, require_names=new)


async def _refused(
    exc: InvalidInput | Conflict,
    uow: ContactsUnitOfWork,
    form: PersonForm,
    person_id: uuid.UUID | None,
) -> tuple[dict[str, str], uuid.UUID | None]:
    """The field error for what the use case refused, and the person holding the address."""
    if isinstance(exc, Conflict) and exc.field == "email":
        holder = await editing.find_by_email(uow, form.email)
        return {"email": DUPLICATE_EMAIL}, holder.id if holder and holder.id != person_id else None
    field = exc.field if exc.field in MESSAGES else "email"
    return {field: MESSAGES[field]}, None


@router.get("/new")
async def new_person_form(request: Request, uow: Uow, staff: Editor) -> Response:
    return await _render(request, uow, staff, values=dict(BLANK))


@router.post("/new")
async def create_person(request: Request, uow: Uow, staff: Editor) -> Response:
    form, errors, kept = await _parsed(request, uow, new=True)
    if form is None:
        return await _render(request, uow, staff, values=kept, errors=errors)
    try:
        person = await editing.create_person(uow, form, actor=actor_of(staff))
    except (InvalidInput, Conflict) as exc:
        errors, duplicate = await _refused(exc, uow, form, None)
        return await _render(request, uow, staff, values=kept, errors=errors, duplicate=duplicate)
    return RedirectResponse(f"/staff/people/{person.id}?done=created", status_code=303)


async def _stored_values(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> dict[str, Any]:
    person = await people.get_person(uow, person_id)  # or 404
    organisation = await editing.current_organisation(uow, person_id)
    return values_of(
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        phone=person.phone,
        title=person.title,
        language=person.language,
        organisation=organisation,
        topics=person.topics,
        tags=person.tags,
    )


@router.get("/{person_id}/edit")
async def edit_person_form(
    person_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    values = await _stored_values(uow, person_id)
    return await _render(request, uow, staff, values=values, person_id=person_id)


@router.post("/{person_id}/edit")
async def edit_person(person_id: uuid.UUID, request: Request, uow: Uow, staff: Editor) -> Response:
    await people.get_person(uow, person_id)  # NotFound → 404
    form, errors, kept = await _parsed(request, uow, new=False)
    if form is None:
        return await _render(request, uow, staff, values=kept, errors=errors, person_id=person_id)
    try:
        await editing.edit_person(uow, person_id, form, actor=actor_of(staff))
    except (InvalidInput, Conflict) as exc:
        errors, duplicate = await _refused(exc, uow, form, person_id)
        return await _render(
            request,
            uow,
            staff,
            values=kept,
            errors=errors,
            person_id=person_id,
            duplicate=duplicate,
        )
    return RedirectResponse(f"/staff/people/{person_id}?done=saved", status_code=303)
