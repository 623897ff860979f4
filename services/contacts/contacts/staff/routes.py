"""Staff API for staff users (Admin only): /api/contacts/staff-users."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from contacts.deps import Settings, Uow, actor_of
from contacts.staff.pages.password_reset import reset_url
from contacts.staff.schemas import AccessChange, Invitation, StaffUserOut
from contacts.staff.service import users as staff_users
from shared.web.staff import Admin

router = APIRouter(prefix="/api/contacts/staff-users", tags=["staff users"])


@router.get("")
async def list_users(uow: Uow, staff: Admin) -> list[StaffUserOut]:
    return [StaffUserOut.of(m) for m in await staff_users.list_staff(uow)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def invite_user(body: Invitation, uow: Uow, settings: Settings, staff: Admin) -> StaffUserOut:
    member = await staff_users.invite(
        uow,
        email=body.email,
        name=body.name,
        role=body.role,
        actor=actor_of(staff),
        language=body.language,
        reset_url=lambda token: reset_url(settings, token),
        keys=settings.token_keys(),
    )
    return StaffUserOut.of(member)


@router.patch("/{staff_id}")
async def change_user(
    staff_id: uuid.UUID, body: AccessChange, uow: Uow, staff: Admin
) -> StaffUserOut:
    member = await staff_users.change_access(
        uow, staff_id, role=body.role, active=body.active, actor=actor_of(staff)
    )
    return StaffUserOut.of(member)
