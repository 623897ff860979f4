"""Staff API around one person: membership, organisation links, timeline, GDPR export."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from contacts.audit.service import audit
from contacts.deps import Engine, actor_of
from contacts.memberships import service as memberships
from contacts.organisations import service as organisations
from contacts.people.service import directory
from contacts.schemas import LinkEnd, LinkIn, MembershipAction
from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer

router = APIRouter(
    prefix="/api/contacts/people/{person_id}",
    tags=["people"],
    dependencies=[Depends(check_csrf)],
)


@router.post("/membership")
async def change_membership(
    person_id: uuid.UUID, body: MembershipAction, engine: Engine, staff: Editor
) -> dict[str, Any]:
    membership = await memberships.change_membership(
        engine,
        person_id,
        action=body.action,
        reason=body.reason,
        ecosystem_role=body.ecosystem_role,
        actor=actor_of(staff),
    )
    return jsonable_encoder(membership.__dict__)  # type: ignore[no-any-return]


@router.post("/organisations", status_code=status.HTTP_201_CREATED)
async def link_organisation(
    person_id: uuid.UUID, body: LinkIn, engine: Engine, staff: Editor
) -> dict[str, str]:
    link_id = await organisations.link_person(
        engine,
        person_id,
        organisation_id=body.organisation_id,
        role=body.role,
        start=body.start_date,
        end=body.end_date,
        actor=actor_of(staff),
    )
    return {"id": str(link_id)}


@router.post("/organisations/{link_id}/end", status_code=status.HTTP_204_NO_CONTENT)
async def end_link(
    person_id: uuid.UUID, link_id: uuid.UUID, body: LinkEnd, engine: Engine, staff: Editor
) -> None:
    await organisations.end_link(
        engine, person_id, link_id, end=body.end_date, actor=actor_of(staff)
    )


@router.get("/timeline")
async def timeline(person_id: uuid.UUID, engine: Engine, staff: Viewer) -> list[dict[str, Any]]:
    return jsonable_encoder(await directory.timeline(engine, person_id))  # type: ignore[no-any-return]


@router.get("/export")
async def export(person_id: uuid.UUID, engine: Engine, staff: Viewer) -> JSONResponse:
    """Everything held about the person, as a JSON download; the export itself is audited."""
    data = await directory.export_person(engine, person_id)
    async with engine.begin() as conn:
        await audit(
            conn, actor_of(staff), "person.exported", target_type="person", target_id=str(person_id)
        )
    return JSONResponse(
        jsonable_encoder(data),
        headers={"Content-Disposition": f'attachment; filename="person-{person_id}.json"'},
    )
