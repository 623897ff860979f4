"""Staff pages for people: a filtered, paged table and one person's page (everything held,
named in the page's language, with the editors' forms)."""

from __future__ import annotations

import math
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from contacts.activity.labels import KIND_LABELS
from contacts.classification import load_classification
from contacts.deps import Uow
from contacts.labels import staff_names
from contacts.memberships.domain import staff_actions_from
from contacts.organisations.domain.organisation import ORGANISATION_TYPES
from contacts.people.labels import (
    CONSENT_METHOD_LABELS,
    CONSENT_PURPOSE_LABELS,
    ECOSYSTEM_ROLE_LABELS,
    EMAIL_STATUS_LABELS,
    LANGUAGE_LABELS,
    MEMBERSHIP_ACTION_LABELS,
    MEMBERSHIP_LABELS,
    SUBSCRIPTION_LABELS,
)
from contacts.people.service import directory
from contacts.rendering import pages, staff_language
from contacts.signup.pages.signup import TYPE_LABELS
from contacts.tags import service as tags
from contacts.topics import service as topics_service
from contacts.unit_of_work import ContactsUnitOfWork
from shared.web.sorting import Sort
from shared.web.staff import Staff, Viewer

router = APIRouter(prefix="/staff/people", include_in_schema=False)
PER_PAGE = 25
FILTERS = ("q", "type", "region", "municipality", "membership", "topic", "tag")
# The label tables every people page gets, by the names the templates use.
LABELS = {
    "memberships": MEMBERSHIP_LABELS,
    "membership_action_labels": MEMBERSHIP_ACTION_LABELS,
    "language_labels": LANGUAGE_LABELS,
    "subscription_labels": SUBSCRIPTION_LABELS,
    "email_status_labels": EMAIL_STATUS_LABELS,
    "ecosystem_role_labels": ECOSYSTEM_ROLE_LABELS,
    "type_labels": TYPE_LABELS,
    "purpose_labels": CONSENT_PURPOSE_LABELS,
    "method_labels": CONSENT_METHOD_LABELS,
}


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
    uow: Uow,
    staff: Viewer,
    filters: ListFilters,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    sort: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    order = Sort.parse(sort, directory.PEOPLE_SORTS, default="name", keep=filters)
    rows, total = await directory.search_people(
        uow,
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
    topics = [(t.key, t.name(lang)) for t in await topics_service.list_topics(uow)]
    return pages.render(
        request,
        "staff_people.html",
        {
            "people": rows,
            "filters": filters,
            "sort": order,
            "pager": pager(page, PER_PAGE, total, {**filters, "sort": sort}),
            "topics": topics,
            "tags": [(name, name) for name in await tags.tag_names(uow, lang)],
            **LABELS,
            **choices(lang),
        },
        lang=lang,
    )


@router.get("/{person_id}")
async def person_page(person_id: uuid.UUID, request: Request, uow: Uow, staff: Viewer) -> Response:
    return await person_page_response(person_id, request, uow, staff)


async def person_page_response(
    person_id: uuid.UUID,
    request: Request,
    uow: ContactsUnitOfWork,
    staff: Staff,
    *,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
) -> Response:
    """The person's page; a refused membership step shows it again with its error (422)."""
    request.state.staff = staff
    lang = staff_language(request)
    held = await directory.records_of(uow, person_id)  # NotFound → 404
    classification = load_classification()
    topic_names = {
        t.key: t.name(lang) for t in await topics_service.list_topics(uow, include_archived=True)
    }
    membership = held["membership"]
    person = held["person"]
    return pages.render(
        request,
        "staff_person.html",
        {
            "errors": errors or {},
            "error_order": list(errors or {}),
            "kept": kept or {},
            "person": person,
            "municipality_name": (
                classification.municipality(person["municipality"]).name(lang)
                if person["municipality"]
                else ""
            ),
            "region_names": {r.code: r.name(lang) for r in classification.regions},
            "municipality_names": {m.code: m.name(lang) for m in classification.municipalities},
            "topic_names": topic_names,
            "organisations": held["organisations"],
            "membership": membership,
            "membership_actions": staff_actions_from(membership["state"] if membership else None),
            "consent_log": held["consent_log"],
            "timeline": await directory.timeline(uow, person_id),
            "kind_labels": KIND_LABELS,
            "staff_names": await staff_names(uow),
            "may_edit": staff.may("editor"),
            # (name, count) pairs as the template reads them; the count is not shown there.
            "known_tags": [
                (name, 0) for name in await tags.tag_names(uow, staff_language(request))
            ],
            **LABELS,
        },
        lang=lang,
        status_code=422 if errors else 200,
    )
