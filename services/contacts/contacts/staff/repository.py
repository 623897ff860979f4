"""Storing staff members, their sessions and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.errors import Conflict
from contacts.staff.domain import StaffMember, parse_role
from contacts.tables import audit_log, staff_sessions, staff_users


def _member(row: Row[Any]) -> StaffMember:
    r = row._mapping
    return StaffMember(
        id=r["id"],
        email=r["email"],
        name=r["name"],
        role=parse_role(r["role"]),
        password_hash=r["password_hash"],
        failed_attempts=r["failed_attempts"],
        locked_until=r["locked_until"],
        active=r["active"],
    )


async def add(conn: AsyncConnection, member: StaffMember) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(staff_users).values(
                    id=member.id,
                    email=member.email,
                    name=member.name,
                    role=member.role,
                    password_hash=member.password_hash,
                )
            )
    except IntegrityError as exc:
        raise Conflict("A staff user with this email already exists.", field="email") from exc


async def by_email(conn: AsyncConnection, email: str) -> StaffMember | None:
    row = (
        await conn.execute(
            select(staff_users).where(func.lower(staff_users.c.email) == email.lower())
        )
    ).first()
    return _member(row) if row else None


async def by_id(conn: AsyncConnection, staff_id: uuid.UUID) -> StaffMember | None:
    row = (await conn.execute(select(staff_users).where(staff_users.c.id == staff_id))).first()
    return _member(row) if row else None


async def any_admin(conn: AsyncConnection) -> bool:
    stmt = select(func.count()).select_from(staff_users).where(staff_users.c.role == "admin")
    return bool((await conn.execute(stmt)).scalar_one())


async def all_members(conn: AsyncConnection, *, for_update: bool = False) -> list[StaffMember]:
    stmt = select(staff_users).order_by(func.lower(staff_users.c.email))
    if for_update:
        stmt = stmt.with_for_update()
    return [_member(row) for row in await conn.execute(stmt)]


async def save_access(conn: AsyncConnection, member: StaffMember) -> None:
    await conn.execute(
        update(staff_users)
        .where(staff_users.c.id == member.id)
        .values(role=member.role, active=member.active)
    )


async def save_sign_in_state(conn: AsyncConnection, member: StaffMember) -> None:
    await conn.execute(
        update(staff_users)
        .where(staff_users.c.id == member.id)
        .values(failed_attempts=member.failed_attempts, locked_until=member.locked_until)
    )


async def add_session(
    conn: AsyncConnection, *, token_hash: str, staff_id: uuid.UUID, csrf: str, expires: datetime
) -> None:
    await conn.execute(
        insert(staff_sessions).values(
            token_hash=token_hash, staff_id=staff_id, csrf_token=csrf, expires_at=expires
        )
    )


async def session_member(
    conn: AsyncConnection, token_hash: str, now: datetime
) -> tuple[StaffMember, str] | None:
    row = (
        await conn.execute(
            select(staff_users, staff_sessions.c.csrf_token)
            .join(staff_sessions, staff_sessions.c.staff_id == staff_users.c.id)
            .where(staff_sessions.c.token_hash == token_hash)
            .where(staff_sessions.c.expires_at > now)
            .where(staff_users.c.active.is_(True))
        )
    ).first()
    if row is None:
        return None
    return _member(row), row._mapping["csrf_token"]


async def remove_session(conn: AsyncConnection, token_hash: str) -> None:
    await conn.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == token_hash))


async def record_action(conn: AsyncConnection, **entry: Any) -> None:
    await conn.execute(insert(audit_log).values(**entry))
