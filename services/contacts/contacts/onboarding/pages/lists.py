"""Staff page listing the people in each onboarding state (a tab per state with its count),
filtered by region, organisation type and organisation name, with bulk actions that report
per person what was done or skipped and why."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from contacts.deps import Uow, actor_of
from contacts.labels import ONBOARDING_LIST_STATES
from contacts.onboarding.domain.lists import BULK_ACTIONS, LIST_STATES, ListState, list_state
from contacts.onboarding.repository.lists import ListFilters
from contacts.onboarding.routes import Group
from contacts.onboarding.service import lists as service
from contacts.people.pages.listing import choices
from contacts.rendering import pages, staff_language
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/staff/onboarding", include_in_schema=False)
PER_PAGE = 25
# What each bulk action is called on the page and in its report's heading.
ACTION_LABELS = {
    "invite": "Invite selected",
    "remind": "Remind selected",
    "left": "Mark selected as left the group",
}


def list_query(
    state: Annotated[str, Query(max_length=20)] = "",
    region: Annotated[str, Query(max_length=10)] = "",
    type: Annotated[str, Query(max_length=40)] = "",
    organisation: Annotated[str, Query(max_length=200)] = "",
) -> dict[str, str]:
    return {"state": state, "region": region, "type": type, "organisation": organisation}


ListQuery = Annotated[dict[str, str], Depends(list_query)]


def _href(query: dict[str, str], **changed: Any) -> str:
    kept = {k: v for k, v in {**query, **changed}.items() if v not in ("", None)}
    return "/staff/onboarding/people?" + urlencode(kept)


async def _page(
    request: Request,
    uow: Uow,
    staff: Staff,
    query: dict[str, str],
    page: int,
    *,
    report: list[dict[str, Any]] | None = None,
    action: str = "",
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    state: ListState = list_state(query["state"])
    query = {**query, "state": state}
    filters = ListFilters(
        region=query["region"], organisation_type=query["type"], organisation=query["organisation"]
    )
    found = await service.people_list(uow, state, filters, lang=lang, page=page, per_page=PER_PAGE)
    options = choices(lang)
    at = found["page"]
    return pages.render(
        request,
        "staff_onboarding_people.html",
        {
            "state": state,
            "query": query,
            "tabs": [
                (s, ONBOARDING_LIST_STATES[s], found["counts"][s], _href(query, state=s))
                for s in LIST_STATES
            ],
            "count": found["counts"][state],
            "rows": found["rows"],
            "pager": {
                "page": at,
                "pages": found["pages"],
                "prev": _href(query, page=at - 1) if at > 1 else None,
                "next": _href(query, page=at + 1) if at < found["pages"] else None,
            },
            "types": options["types"],
            "regions": options["regions"],
            "region_names": dict(options["regions"]),
            "type_labels": dict(options["types"]),
            "actions": [(a, ACTION_LABELS[a]) for a in BULK_ACTIONS],
            "may_edit": staff.may("editor"),
            "report": report,
            "action_label": ACTION_LABELS.get(action, ""),
        },
        lang=lang,
    )


@router.get("/people")
async def people_page(
    request: Request,
    uow: Uow,
    staff: Viewer,
    query: ListQuery,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    return await _page(request, uow, staff, query, page)


@router.post("/people")
async def bulk_action(request: Request, uow: Uow, group: Group, staff: Editor) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    if action not in BULK_ACTIONS:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown action")
    try:
        ids = [uuid.UUID(str(v)) for v in form.getlist("person_id")]
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "bad person id") from exc
    result = await service.bulk(
        uow,
        ids,
        "invite" if action == "invite" else "remind" if action == "remind" else "left",
        actor=actor_of(staff),
        settings=group,
    )
    query = {k: str(form.get(k, ""))[:200] for k in ("state", "region", "type", "organisation")}
    # The answer is the report (a reload repeats nothing harmful: each person is skipped).
    return await _page(request, uow, staff, query, 1, report=result["report"], action=action)
