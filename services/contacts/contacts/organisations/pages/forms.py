"""Staff pages that change organisations: new, edit, archive and bring back (Editor).

Each form goes through the same use case as the API (create_organisation,
update_organisation, archive_organisation), so the audit entry and the people's snapshots are
the same. A refused form comes back with what was typed, every problem next to its field and
a summary at the top.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse

from contacts.classification import fold, load_classification
from contacts.deps import Uow, actor_of
from contacts.errors import Conflict, InvalidInput
from contacts.organisations import service as organisations
from contacts.organisations.domain.offer import FUNDING_SOURCES, SUPPORT_FORMS
from contacts.organisations.domain.organisation import (
    CLEANERS,
    ORGANISATION_TYPES,
    Organisation,
    problems,
)
from contacts.organisations.labels import (
    FUNDING_LABELS,
    SUPPORT_FORM_LABELS,
    municipality_region,
    region_name,
)
from contacts.public import FormTooLarge, read_form
from contacts.rendering import pages, staff_language
from contacts.signup.pages.signup import TYPE_LABELS
from shared.web.staff import Editor, Staff

router = APIRouter(prefix="/staff/organisations", include_in_schema=False)
TEXT_FIELDS = ("name", "business_id", "type", "municipality_code", "website")
CHOICE_FIELDS = ("support_forms", "funding")
ORDER = (*TEXT_FIELDS, *CHOICE_FIELDS)
# Where the summary's link of a group of boxes leads: its first box.
TARGETS = {
    "support_forms": f"support_forms-{SUPPORT_FORMS[0]}",
    "funding": f"funding-{FUNDING_SOURCES[0]}",
}
# The page's own words for a value not from its list (the API's messages name the codes).
PAGE_MESSAGES = {
    "type": "Choose an organisation type from the list.",
    "municipality_code": "Choose a municipality from the list.",
}


@cache
def _municipalities() -> list[tuple[str, str]]:
    """(code, "Finnish name (Swedish name)") sorted by the Finnish name; once per process."""
    found = sorted(load_classification().municipalities, key=lambda m: fold(m.name("fi")))
    return [
        (
            m.code,
            m.name("fi") if m.name("sv") == m.name("fi") else f"{m.name('fi')} ({m.name('sv')})",
        )
        for m in found
    ]


def _values_of(org: Organisation | None) -> dict[str, Any]:
    if org is None:
        return {
            **dict.fromkeys(TEXT_FIELDS, ""),
            "type": "other",
            "support_forms": (),
            "funding": (),
        }
    return {
        "name": org.name,
        "business_id": org.business_id or "",
        "type": org.type,
        "municipality_code": org.municipality or "",
        "website": org.website,
        "support_forms": org.support_forms,
        "funding": org.funding,
    }


def _read(raw: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {name: (raw.get(name) or [""])[0] for name in TEXT_FIELDS}
    values["business_id"] = values["business_id"].strip()
    for name in CHOICE_FIELDS:
        values[name] = tuple(raw.get(name, ()))
    return values


def _errors(values: dict[str, Any]) -> dict[str, str]:
    found = problems(
        name=values["name"],
        type=values["type"],
        business_id=values["business_id"] or None,
        municipality_code=values["municipality_code"] or None,
        website=values["website"],
        support_forms=values["support_forms"],
        funding=values["funding"],
    )
    if "region_code" in found:
        found["municipality_code"] = found.pop("region_code")
    return {field: PAGE_MESSAGES.get(field, message) for field, message in found.items()}


def _clean(name: str, value: Any) -> Any:
    """A value as it would be stored (typed "www.x.fi" is stored "https://www.x.fi")."""
    return CLEANERS[name](value) if name in CLEANERS and value else value


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The use case's keyword arguments for what the form changed (nothing else is touched)."""
    changes: dict[str, Any] = {}
    for name in ORDER:
        if _clean(name, after[name]) == _clean(name, before[name]):
            continue
        if name == "municipality_code":
            # The region follows the municipality; no municipality, no region.
            changes["municipality_code"] = after[name] or None
            changes["region_code"] = None
        elif name == "business_id":
            changes[name] = after[name] or None
        else:
            changes[name] = list(after[name]) if name in CHOICE_FIELDS else after[name]
    return changes


def _form(
    request: Request,
    staff: Staff,
    *,
    org: Organisation | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    region = ""
    if values["municipality_code"] and "municipality_code" not in (errors or {}):
        region = region_name(municipality_region(values["municipality_code"]), lang)
    return pages.render(
        request,
        "staff_organisation_form.html",
        {
            "organisation": org,
            "values": values,
            "errors": errors or {},
            "order": ORDER,
            "targets": TARGETS,
            "region": region,
            "types": [(code, TYPE_LABELS[code]) for code in ORGANISATION_TYPES],
            "municipalities": _municipalities(),
            "support_forms": [(c, SUPPORT_FORM_LABELS[c]) for c in SUPPORT_FORMS],
            "funding": [(c, FUNDING_LABELS[c]) for c in FUNDING_SOURCES],
        },
        lang=lang,
        status_code=422 if errors else 200,
    )


async def _posted(request: Request) -> dict[str, Any]:
    try:
        return _read(await read_form(request))
    except FormTooLarge:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "the form is too large"
        ) from None


def _refused(error: InvalidInput | Conflict) -> dict[str, str]:
    """A refusal of the use case (a business ID taken meanwhile, say), next to its field."""
    field = "municipality_code" if error.field == "region_code" else error.field or "name"
    field = field if field in ORDER else "name"
    return {field: PAGE_MESSAGES.get(field, error.message)}


@router.get("/new")
async def new_organisation(request: Request, staff: Editor) -> Response:
    return _form(request, staff, org=None, values=_values_of(None))


@router.post("/new")
async def create_organisation(request: Request, uow: Uow, staff: Editor) -> Response:
    values = await _posted(request)
    errors = _errors(values)
    if errors:
        return _form(request, staff, org=None, values=values, errors=errors)
    try:
        org = await organisations.create_organisation(
            uow,
            actor=actor_of(staff),
            name=values["name"],
            type=values["type"],
            business_id=values["business_id"] or None,
            municipality_code=values["municipality_code"] or None,
            website=values["website"],
            support_forms=values["support_forms"],
            funding=values["funding"],
        )
    except (InvalidInput, Conflict) as error:
        return _form(request, staff, org=None, values=values, errors=_refused(error))
    return RedirectResponse(
        f"/staff/organisations/{org.id}?saved=created", status.HTTP_303_SEE_OTHER
    )


@router.get("/{org_id}/edit")
async def edit_organisation(
    org_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    org = await organisations.get_organisation(uow, org_id)
    return _form(request, staff, org=org, values=_values_of(org))


@router.post("/{org_id}/edit")
async def change_organisation(
    org_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    org = await organisations.get_organisation(uow, org_id)
    values = await _posted(request)
    errors = _errors(values)
    if errors:
        return _form(request, staff, org=org, values=values, errors=errors)
    changes = _changes(_values_of(org), values)
    if changes:
        try:
            await organisations.update_organisation(uow, org_id, actor=actor_of(staff), **changes)
        except (InvalidInput, Conflict) as error:
            return _form(request, staff, org=org, values=values, errors=_refused(error))
    return RedirectResponse(
        f"/staff/organisations/{org_id}?saved=changed", status.HTTP_303_SEE_OTHER
    )


@router.get("/{org_id}/archive")
async def confirm_archive(org_id: uuid.UUID, request: Request, uow: Uow, staff: Editor) -> Response:
    """The confirmation: archive a current organisation, or bring back an archived one."""
    request.state.staff = staff
    org = await organisations.get_organisation(uow, org_id)
    return pages.render(
        request,
        "staff_organisation_archive.html",
        {"organisation": org},
        lang=staff_language(request),
    )


@router.post("/{org_id}/archive")
async def archive_organisation(
    org_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    try:
        raw = await read_form(request)
    except FormTooLarge:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "the form is too large"
        ) from None
    wanted = {"yes": True, "no": False}.get((raw.get("archived") or [""])[0])
    if wanted is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "archived is yes or no")
    await organisations.archive_organisation(uow, org_id, archived=wanted, actor=actor_of(staff))
    done = "archived" if wanted else "restored"
    return RedirectResponse(
        f"/staff/organisations/{org_id}?saved={done}", status.HTTP_303_SEE_OTHER
    )
