"""Staff pages for organisations: a filtered, paged table and one organisation's people."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from contacts.activity.labels import KIND_LABELS
from contacts.deps import Uow, actor_of
from contacts.labels import staff_names
from contacts.notes import service as notes
from contacts.organisations import repository as organisation_store
from contacts.organisations import service as organisations
from contacts.organisations.labels import STATUS_LABELS, described
from contacts.people.pages import MEMBERSHIP_LABELS, PER_PAGE, choices, pager
from contacts.people.service import directory
from contacts.rendering import pages, staff_language
from shared.web.sorting import Sort
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/staff/organisations", include_in_schema=False)
# The list's "Show" filter: its value, what the search gets (None: both), the option's label.
ARCHIVED_CHOICES: dict[str, tuple[bool | None, str]] = {
    "": (False, "Current organisations"),
    "archived": (True, "Archived organisations"),
    "all": (None, "All organisations"),
}
SAVED = {
    "created": "The organisation is saved.",
    "changed": "The changes are saved.",
    "archived": "The organisation is archived.",
    "restored": "The organisation is back in use.",
}
ARCHIVED_FILTER = {k: v for k, (v, _) in ARCHIVED_CHOICES.items()}


@router.get("")
async def organisation_list(
    request: Request,
    uow: Uow,
    staff: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    type: Annotated[str, Query(max_length=40)] = "",
    region: Annotated[str, Query(max_length=10)] = "",
    municipality: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    sort: Annotated[str, Query(max_length=40)] = "",
    archived: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    archived = archived if archived in ARCHIVED_FILTER else ""
    filters = {
        "q": q,
        "type": type,
        "region": region,
        "municipality": municipality,
        "archived": archived,
    }
    order = Sort.parse(sort, organisation_store.SORTS, default="name", keep=filters)
    found, total = await organisations.search_organisations(
        uow,
        text=q.strip(),
        type=type or None,
        region=region or None,
        municipality=municipality or None,
        archived=ARCHIVED_FILTER[archived],
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
        sort=order.key,
        descending=order.descending,
        lang=lang,
    )
    return pages.render(
        request,
        "staff_organisations.html",
        {
            "organisations": [(o, described(o, lang)) for o in found],
            "filters": filters,
            "archived_choices": [(k, label) for k, (_, label) in ARCHIVED_CHOICES.items()],
            "statuses": STATUS_LABELS,
            "may_edit": staff.may("editor"),
            "sort": order,
            "pager": pager(page, PER_PAGE, total, {**filters, "sort": sort}),
            **choices(lang),
        },
        lang=lang,
    )


@router.get("/{org_id}")
async def organisation_page(
    org_id: uuid.UUID,
    request: Request,
    uow: Uow,
    staff: Viewer,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    saved: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    org = await organisations.get_organisation(uow, org_id)  # NotFound → 404
    people, total = await directory.search_people(
        uow,
        organisation_id=org_id,
        page=page,
        per_page=PER_PAGE,
        lang=lang,
    )
    return pages.render(
        request,
        "staff_organisation.html",
        {
            "organisation": org,
            "shown": described(org, staff_language(request)),
            "statuses": STATUS_LABELS,
            "people": people,
            "memberships": MEMBERSHIP_LABELS,
            "pager": pager(page, PER_PAGE, total, {}),
            "timeline": await directory.organisation_timeline(uow, org_id),
            "kind_labels": KIND_LABELS,
            "staff_names": await staff_names(uow),
            "may_edit": staff.may("editor"),
            "saved": SAVED.get(saved, ""),
        },
        lang=lang,
    )


@router.post("/{org_id}/notes")
async def add_organisation_note(
    org_id: uuid.UUID,
    uow: Uow,
    staff: Editor,
    text: Annotated[str, Form(max_length=5000)],
) -> Response:
    await notes.add_note(uow, actor=actor_of(staff), text=text, organisation_id=org_id)
    return RedirectResponse(f"/staff/organisations/{org_id}#note-text", status_code=303)
