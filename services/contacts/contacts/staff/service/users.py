"""Admins manage who may use the workspace: invite, change a role, deactivate, reactivate."""

from __future__ import annotations

import secrets
import uuid

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import NotFound
from contacts.staff import repository as store
from contacts.staff.domain import StaffMember, check_access_change
from contacts.staff.service import password_reset
from shared.tokens import TokenKeys

_hasher = PasswordHasher()


async def list_staff(engine: AsyncEngine) -> list[StaffMember]:
    async with engine.connect() as conn:
        return await store.all_members(conn)


async def invite(
    engine: AsyncEngine,
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
    types a colleague's password.
    """
    member = StaffMember.new(
        email=email,
        name=name,
        role=role,
        password_hash=_hasher.hash(secrets.token_urlsafe(32)),
    )
    async with engine.begin() as conn:
        await store.add(conn, member)
        await audit(
            conn,
            actor,
            "staff.created",
            target_type="staff",
            target_id=str(member.id),
            details={"role": member.role, "method": "invitation"},
        )
    await password_reset.request_reset(
        engine, email=member.email, language=language, reset_url=reset_url, keys=keys
    )
    return member


async def change_access(
    engine: AsyncEngine,
    staff_id: uuid.UUID,
    *,
    role: str | None = None,
    active: bool | None = None,
    actor: Actor | None,
) -> StaffMember:
    async with engine.begin() as conn:
        # Every row locked: two admins demoting each other at once cannot both succeed.
        members = await store.all_members(conn, for_update=True)
        current = next((m for m in members if m.id == staff_id), None)
        if current is None:
            raise NotFound("No such staff user.")
        changed = current.with_access(role=role, active=active)
        check_access_change(members, changed, by=actor.id if actor else None)
        if changed != current:
            await store.save_access(conn, changed)
            await audit(
                conn,
                actor,
                "staff.access_changed",
                target_type="staff",
                target_id=str(changed.id),
                details={"role": changed.role, "active": changed.active},
            )
    return changed
