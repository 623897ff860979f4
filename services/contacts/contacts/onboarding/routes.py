"""Staff API for group onboarding: /api/contacts/onboarding (Viewer reads, Editor acts)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, Field

from contacts.deps import Uow, actor_of
from contacts.errors import Conflict
from contacts.onboarding.domain.lists import list_state
from contacts.onboarding.repository.lists import ListFilters
from contacts.onboarding.service import group_members
from contacts.onboarding.service import lists as lists_service
from contacts.onboarding.service import onboarding as service
from contacts.onboarding.service.onboarding import OnboardingSettings
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts/onboarding", tags=["onboarding"])
MAX_PASTE_CHARS = 200_000


def get_onboarding_settings(request: Request) -> OnboardingSettings:
    """Built on first use and kept on the app (nothing read at import)."""
    found: OnboardingSettings | None = getattr(request.app.state, "onboarding_settings", None)
    if found is None:
        found = OnboardingSettings()
        request.app.state.onboarding_settings = found
    return found


Group = Annotated[OnboardingSettings, Depends(get_onboarding_settings)]


class MatchIn(BaseModel):
    text: str = Field(max_length=MAX_PASTE_CHARS)


class DecideIn(BaseModel):
    # "request": seen in the group's queue, not decided yet (invited → requested).
    decision: Literal["approve", "decline", "request"]
    person_ids: list[uuid.UUID] = Field(default_factory=list, max_length=1000)
    # Instead of ids: decide for everyone the pasted text matches.
    text: str | None = Field(None, max_length=MAX_PASTE_CHARS)


class BulkIn(BaseModel):
    action: Literal["invite", "remind", "left"]
    person_ids: list[uuid.UUID] = Field(default_factory=list, max_length=lists_service.MAX_SELECTED)


class Invited(BaseModel):
    person_id: uuid.UUID
    join_code: str


@router.get("/settings")
async def group_settings(group: Group, staff: Viewer) -> dict[str, Any]:
    return group.model_dump()


@router.post("/people/{person_id}/invite", status_code=status.HTTP_201_CREATED)
async def invite(person_id: uuid.UUID, uow: Uow, group: Group, staff: Editor) -> Invited:
    code = await service.invite(uow, person_id, settings=group, actor=actor_of(staff))
    return Invited(person_id=person_id, join_code=code)


@router.post("/people/{person_id}/left")
async def left(person_id: uuid.UUID, uow: Uow, staff: Editor) -> dict[str, Any]:
    """The member left the group (409 unless approved)."""
    result = await group_members.mark_left(uow, [person_id], actor=actor_of(staff))
    if result["refused"]:
        raise Conflict("Only an approved member can leave the group.")
    return result


@router.post("/match")
async def match(body: MatchIn, uow: Uow, staff: Editor) -> dict[str, Any]:
    rows = await service.match(uow, body.text, actor=actor_of(staff))
    return {
        "matched": [r for r in rows if r["person_id"]],
        "ambiguous": [r for r in rows if r["reason"] == "ambiguous"],
        "unmatched": [r for r in rows if not r["person_id"] and r["reason"] != "ambiguous"],
    }


@router.post("/decide")
async def decide(body: DecideIn, uow: Uow, staff: Editor) -> dict[str, Any]:
    ids = list(body.person_ids)
    if body.text:
        rows = await service.match(uow, body.text, actor=actor_of(staff))
        ids += [r["person_id"] for r in rows if r["person_id"]]
    if body.decision == "request":
        return await service.mark_requested(uow, ids, actor=actor_of(staff))
    return await service.decide(uow, ids, body.decision, actor=actor_of(staff))


@router.get("/funnel")
async def funnel(
    uow: Uow,
    staff: Viewer,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    end = end or datetime.now(UTC)
    start = start or end - timedelta(days=90)
    return await service.funnel(uow, start=start, end=end)


@router.get("/people")
async def people_in_state(
    uow: Uow,
    staff: Viewer,
    state: Annotated[str, Query(max_length=20)] = "invited",
    region: Annotated[str, Query(max_length=10)] = "",
    type: Annotated[str, Query(max_length=40)] = "",
    organisation: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    """One page of the people in a state (the page's list), with every state's capped count."""
    chosen = list_state(state)
    found = await lists_service.people_list(
        uow,
        chosen,
        ListFilters(region=region, organisation_type=type, organisation=organisation),
        lang="fi",
        page=page,
        per_page=per_page,
    )
    return {
        "state": chosen,
        "page": found["page"],
        "pages": found["pages"],
        "counts": {k: asdict(v) for k, v in found["counts"].items()},
        "people": found["rows"],
    }


@router.post("/bulk")
async def bulk(body: BulkIn, uow: Uow, group: Group, staff: Editor) -> dict[str, Any]:
    """Invite, remind or mark as left each person; `report` says what was done or skipped."""
    return await lists_service.bulk(
        uow, body.person_ids, body.action, actor=actor_of(staff), settings=group
    )
