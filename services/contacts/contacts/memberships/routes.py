"""Staff API for a person's network membership."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.encoders import jsonable_encoder

from contacts.deps import Uow, actor_of
from contacts.memberships import service as memberships
from contacts.memberships.schemas import MembershipAction
from shared.web.security import check_csrf
from shared.web.staff import Editor

router = APIRouter(
    prefix="/api/contacts/people/{person_id}",
    tags=["people"],
    dependencies=[Depends(check_csrf)],
)


@router.post("/membership")
async def change_membership(
    person_id: uuid.UUID, body: MembershipAction, uow: Uow, staff: Editor
) -> dict[str, Any]:
    membership = await memberships.change_membership(
        uow,
        person_id,
        action=body.action,
        reason=body.reason,
        ecosystem_role=body.ecosystem_role,
        actor=actor_of(staff),
    )
    return jsonable_encoder(membership.__dict__)  # type: ignore[no-any-return]
