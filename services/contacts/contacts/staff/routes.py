"""Staff API for staff users (Admin only): /api/contacts/staff-users."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, status

from contacts.deps import Engine, Settings, actor_of
from contacts.staff.pages.password_reset import reset_url
from contacts.staff.schemas import AccessChange, Invitation, StaffUserOut
from contacts.staff.service import users as staff_users
from shared.web.security import check_csrf
from shared.web.staff import Admin

router = APIRouter(prefix="/api/contacts/staff-users", tags=["staff users"])


@router.get("")
async def list_users(engine: Engine, staff: Admin) -> list[StaffUserOut]:
    return [StaffUserOut.of(m) for m in await staff_users.list_staff(engine)]


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Depends(check_csrf)])
async def invite_user(
    body: Invitation, engine: Engine, settings: Settings, staff: Admin
) -> StaffUserOut:
    member = await staff_users.invite(
        engine,
        email=body.email,
        name=body.name,
        role=body.role,
        actor=actor_of(staff),
        language=body.language,
        reset_url=lambda token: reset_url(settings, token),
        keys=settings.token_keys(),
    )
    return StaffUserOut.of(member)


@router.patch("/{staff_id}", dependencies=[Depends(check_csrf)])
async def change_user(
    staff_id: uuid.UUID, body: AccessChange, engine: Engine, staff: Admin
) -> StaffUserOut:
    member = await staff_users.change_access(
        engine, staff_id, role=body.role, active=body.active, actor=actor_of(staff)
    )
    return StaffUserOut.of(member)
