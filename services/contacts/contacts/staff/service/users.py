"""Admins manage who may use the workspace: invite, change a role, deactivate, reactivate."""

from __future__ import annotations

import secrets
import uuid

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.staff.domain import StaffMember, check_access_change
from contacts.staff.service import password_reset
from contacts.staff.service.passwords import hasher as _hasher
from contacts.unit_of_work import ContactsUnitOfWork
from shared.tokens import TokenKeys


async def list_staff(uow: ContactsUnitOfWork) -> list[StaffMember]:
    async with uow:
        return await uow.staff.all_members()


async def invite(
    uow: ContactsUnitOfWork,
    *,
    email: str,
    name: str,
    role: str,
    actor: Actor | None,
    language: str,
    reset_url: password_reset.ResetUrl,
    keys: TokenKeys,
) -> StaffMember:
    """Create the account with no usable password and mail a link to choose one.

    The link is the password-reset link (one hour, single use): the admin never sees or
    types a colleague's password. Account and mail go together or not at all.
    """
    member = StaffMember.new(
        email=email,
        name=name,
        role=role,
        password_hash=_hasher.hash(secrets.token_urlsafe(32)),
    )
    async with uow:
        await uow.staff.add(member)
        await uow.audit.record(
            actor,
            "staff.created",
            target_type="staff",
            target_id=str(member.id),
            details={"role": member.role, "method": "invitation"},
        )
        password_reset.queue_reset_mail(
            uow, member, language=language, reset_url=reset_url, keys=keys
        )
        await uow.audit.record(
            Actor(id=str(member.id), role=member.role),
            "staff.password_reset_requested",
            target_type="staff",
            target_id=str(member.id),
        )
        await uow.commit()
    return member


async def change_access(
    uow: ContactsUnitOfWork,
    staff_id: uuid.UUID,
    *,
    role: str | None = None,
    active: bool | None = None,
    actor: Actor | None,
) -> StaffMember:
    async with uow:
        # Every row locked: two admins demoting each other at once cannot both succeed.
        members = await uow.staff.all_members(for_update=True)
        current = next((m for m in members if m.id == staff_id), None)
        if current is None:
            raise NotFound("No such staff user.")
        changed = current.with_access(role=role, active=active)
        check_access_change(members, changed, by=actor.id if actor else None)
        if changed != current:
            await uow.staff.save_access(changed)
            await uow.audit.record(
                actor,
                "staff.access_changed",
                target_type="staff",
                target_id=str(changed.id),
                details={"role": changed.role, "active": changed.active},
            )
            await uow.commit()
    return changed
