"""Staff pages for people: a filtered, paged table and one person's details."""

from __future__ import annotations

import math
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from contacts.activity.labels import KIND_LABELS, staff_names
from contacts.classification import load_classification
from contacts.deps import Engine, actor_of
from contacts.memberships import service as memberships
from contacts.notes import service as notes
from contacts.organisations.domain.organisation import ORGANISATION_TYPES
from contacts.people.routes import export_download
from contacts.people.service import directory, people
from contacts.rendering import pages, staff_language
from contacts.signup.pages.signup import TYPE_LABELS
from contacts.tags import service as tags
from contacts.topics import repository as topic_store
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.web.sorting import Sort
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/staff/people", include_in_schema=False)
PER_PAGE = 25
FILTERS = ("q", "type", "region", "municipality", "membership", "topic", "tag")
MEMBERSHIP_LABELS = {
    "none": "Not a member",
    "pending": "Applied",
    "active": "Member",
    "paused": "Paused",
    "left": "Left",
    "declined": "Declined",
}
DECISIONS = ("approve", "decline")


def choices(lang: str) -> dict[str, Any]:
    """Option lists of the filter forms (people and organisations share them)."""
    classification = load_classification()
    return {
        "types": [(t, TYPE_LABELS.get(t, t)) for t in ORGANISATION_TYPES],
        "regions": [(r.code, r.name(lang)) for r in classification.regions_by_name(lang)],
        "municipalities": [
            (m.code, m.name(lang)) for m in classification.municipalities_by_name(lang)
        ],
    }


def pager(page: int, per_page: int, total: int, filters: dict[str, str]) -> dict[str, Any]:
    pages_total = max(1, math.ceil(total / per_page))
    kept = {k: v for k, v in filters.items() if v}

    def href(n: int) -> str:
        return "?" + urlencode({**kept, "page": n})

    return {
        "page": page,
        "pages": pages_total,
        "total": total,
        "prev": href(page - 1) if page > 1 else None,
        "next": href(page + 1) if page < pages_total else None,
    }


def list_filters(
    q: Annotated[str, Query(max_length=200)] = "",
    type: Annotated[str, Query(max_length=40)] = "",
    region: Annotated[str, Query(max_length=10)] = "",
    municipality: Annotated[str, Query(max_length=10)] = "",
    membership: Annotated[str, Query(max_length=20)] = "",
    topic: Annotated[str, Query(max_length=60)] = "",
    tag: Annotated[str, Query(max_length=60)] = "",
) -> dict[str, str]:
    """The people list's filters from the query string; its bulk-action form carries them."""
    return {
        "q": q,
        "type": type,
        "region": region,
        "municipality": municipality,
        "membership": membership,
        "topic": topic,
        "tag": tag,
    }


ListFilters = Annotated[dict[str, str], Depends(list_filters)]


@router.get("")
async def people_list(
    request: Request,
    engine: Engine,
    staff: Viewer,
    filters: ListFilters,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    sort: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    order = Sort.parse(sort, directory.PEOPLE_SORTS, default="name", keep=filters)
    rows, total = await directory.search_people(
        engine,
        sort=order.key,
        descending=order.descending,
        lang=lang,
        text=filters["q"],
        organisation_type=filters["type"] or None,
        region=filters["region"] or None,
        municipality=filters["municipality"] or None,
        membership_state=filters["membership"] or None,
        topic=filters["topic"] or None,
        tag=filters["tag"] or None,
        page=page,
        per_page=PER_PAGE,
    )
    async with engine.connect() as conn:
        topics = [(t.key, t.name(lang)) for t in await topic_store.all_topics(conn)]
    return pages.render(
        request,
        "staff_people.html",
        {
            "people": rows,
            "filters": filters,
            "sort": order,
            "pager": pager(page, PER_PAGE, total, {**filters, "sort": sort}),
            "topics": topics,
            "tags": [
                (name, name)
                for name, _count in await tags.list_tags(SqlContactsUnitOfWork(engine), lang)
            ],
            "memberships": MEMBERSHIP_LABELS,
            **choices(lang),
        },
        lang=lang,
    )


@router.get("/{person_id}")
async def person_page(
    person_id: uuid.UUID, request: Request, engine: Engine, staff: Viewer
) -> Response:
    return await _person_page(person_id, request, engine, staff)


async def _person_page(
    person_id: uuid.UUID,
    request: Request,
    engine: Engine,
    staff: Staff,
    *,
    errors: dict[str, str] | None = None,
) -> Response:
    request.state.staff = staff
    held = await directory.export_person(engine, person_id)  # NotFound → 404
    return pages.render(
        request,
        "staff_person.html",
        {
            "errors": errors or {},
            "error_order": list(errors or {}),
            "person": held["person"],
            "organisations": held["organisations"],
            "membership": held["membership"],
            "consent_log": held["consent_log"],
            "timeline": await directory.timeline(engine, person_id),
            "kind_labels": KIND_LABELS,
            "staff_names": await staff_names(engine),
            "memberships": MEMBERSHIP_LABELS,
            "may_edit": staff.may("editor"),
            "known_tags": await tags.list_tags(
                SqlContactsUnitOfWork(engine), staff_language(request)
            ),
        },
        lang=staff_language(request),
        status_code=422 if errors else 200,
    )


@router.get("/{person_id}/export")
async def export_person(person_id: uuid.UUID, staff: Viewer, engine: Engine) -> Response:
    """The GDPR export as a download, the same JSON (and audit entry) as the API's."""
    return await export_download(person_id, engine, actor_of(staff))


@router.post("/{person_id}/erase")
async def erase_person(
    person_id: uuid.UUID,
    request: Request,
    engine: Engine,
    staff: Editor,
    confirmation: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Erasing needs the person's email address typed in: a slip cannot erase anyone."""
    person = await people.get_person(SqlContactsUnitOfWork(engine), person_id)
    if confirmation.strip().lower() != person.email.lower():
        error = "To erase, type the person's email address exactly."
        return await _person_page(person_id, request, engine, staff, errors={"confirmation": error})
    await people.erase_person(
        SqlContactsUnitOfWork(engine), person_id, actor=actor_of(staff), path="person page"
    )
    return RedirectResponse("/staff/people", status_code=303)


@router.post("/{person_id}/membership")
async def decide_membership(
    person_id: uuid.UUID,
    engine: Engine,
    staff: Editor,
    action: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if action not in DECISIONS:
        return Response("Unknown action.", status_code=422)
    await memberships.change_membership(
        SqlContactsUnitOfWork(engine),
        person_id,
        action=action,
        actor=actor_of(staff),
        reason=reason.strip(),
    )
    return RedirectResponse(f"/staff/people/{person_id}", status_code=303)


@router.post("/{person_id}/tags")
async def add_tag(
    person_id: uuid.UUID,
    engine: Engine,
    staff: Editor,
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    await tags.tag_person(SqlContactsUnitOfWork(engine), person_id, name, actor=actor_of(staff))
    return RedirectResponse(f"/staff/people/{person_id}", status_code=303)


@router.post("/{person_id}/tags/remove")
async def remove_tag(
    person_id: uuid.UUID,
    engine: Engine,
    staff: Editor,
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    await tags.untag_person(SqlContactsUnitOfWork(engine), person_id, name, actor=actor_of(staff))
    return RedirectResponse(f"/staff/people/{person_id}", status_code=303)


@router.post("/{person_id}/notes")
async def add_person_note(
    person_id: uuid.UUID,
    engine: Engine,
    staff: Editor,
    text: Annotated[str, Form(max_length=5000)],
) -> Response:
    await notes.add_note(engine, actor=actor_of(staff), text=text, person_id=person_id)
    return RedirectResponse(f"/staff/people/{person_id}#note-text", status_code=303)
