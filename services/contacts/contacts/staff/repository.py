"""Storing staff members and their sessions (`StaffRepository`, `uow.staff`). (Their audit
entries are written by audit/repository.py, the audit log's one writer.)"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.errors import Conflict
from contacts.staff.domain import StaffMember, StaffSession, parse_role
from contacts.tables import staff_sessions, staff_users

TAKEN = "A staff user with this email already exists."


class StaffRepository(Protocol):
    """Staff members (matched by address in any case) and their sessions."""

    async def add(self, member: StaffMember) -> None:
        """Store a new member; Conflict if the address is taken."""

    async def by_email(self, email: str, *, for_update: bool = False) -> StaffMember | None: ...

    async def get(self, staff_id: uuid.UUID) -> StaffMember | None: ...

    async def any_admin(self) -> bool:
        """Whether any member (active or not) is an admin."""

    async def all_members(self, *, for_update: bool = False) -> list[StaffMember]:
        """By address; `for_update` locks every row (access changes compare them all)."""

    async def save_access(self, member: StaffMember) -> None:
        """The member's role and whether they are active."""

    async def save_sign_in_state(self, member: StaffMember) -> None:
        """The member's failed attempts and how long they wait."""

    async def replace_password(self, member: StaffMember, new_hash: str) -> bool:
        """Compare-and-set: the new hash only while the stored one is still `member`'s, the
        account unlocked with it; whether it was set."""

    async def add_session(
        self, *, token_hash: str, staff_id: uuid.UUID, csrf: str, expires: datetime
    ) -> None: ...

    async def session(self, token_hash: str) -> StaffSession | None:
        """The session of this token, expired or not, with its member (active or not)."""

    async def remove_session(self, token_hash: str) -> None: ...

    async def end_sessions(self, staff_id: uuid.UUID) -> None:
        """Every session of the member."""


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


class SqlStaff:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, member: StaffMember) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    insert(staff_users).values(
                        id=member.id,
                        email=member.email,
                        name=member.name,
                        role=member.role,
                        password_hash=member.password_hash,
                        failed_attempts=member.failed_attempts,
                        locked_until=member.locked_until,
                        active=member.active,
                    )
                )
        except IntegrityError as exc:
            raise Conflict(TAKEN, field="email") from exc

    async def by_email(self, email: str, *, for_update: bool = False) -> StaffMember | None:
        stmt = select(staff_users).where(func.lower(staff_users.c.email) == email.lower())
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self._conn.execute(stmt)).first()
        return _member(row) if row else None

    async def get(self, staff_id: uuid.UUID) -> StaffMember | None:
        stmt = select(staff_users).where(staff_users.c.id == staff_id)
        row = (await self._conn.execute(stmt)).first()
        return _member(row) if row else None

    async def any_admin(self) -> bool:
        stmt = select(func.count()).select_from(staff_users).where(staff_users.c.role == "admin")
        return bool((await self._conn.execute(stmt)).scalar_one())

    async def all_members(self, *, for_update: bool = False) -> list[StaffMember]:
        stmt = select(staff_users).order_by(func.lower(staff_users.c.email))
        if for_update:
            stmt = stmt.with_for_update()
        return [_member(row) for row in await self._conn.execute(stmt)]

    async def save_access(self, member: StaffMember) -> None:
        await self._conn.execute(
            update(staff_users)
            .where(staff_users.c.id == member.id)
            .values(role=member.role, active=member.active)
        )

    async def save_sign_in_state(self, member: StaffMember) -> None:
        await self._conn.execute(
            update(staff_users)
            .where(staff_users.c.id == member.id)
            .values(failed_attempts=member.failed_attempts, locked_until=member.locked_until)
        )

    async def replace_password(self, member: StaffMember, new_hash: str) -> bool:
        changed = await self._conn.execute(
            update(staff_users)
            .where(staff_users.c.id == member.id)
            .where(staff_users.c.password_hash == member.password_hash)
            .values(password_hash=new_hash, failed_attempts=0, locked_until=None)
        )
        return changed.rowcount == 1

    async def add_session(
        self, *, token_hash: str, staff_id: uuid.UUID, csrf: str, expires: datetime
    ) -> None:
        await self._conn.execute(
            insert(staff_sessions).values(
                token_hash=token_hash, staff_id=staff_id, csrf_token=csrf, expires_at=expires
            )
        )

    async def session(self, token_hash: str) -> StaffSession | None:
        row = (
            await self._conn.execute(
                select(staff_users, staff_sessions.c.csrf_token, staff_sessions.c.expires_at)
                .join(staff_sessions, staff_sessions.c.staff_id == staff_users.c.id)
                .where(staff_sessions.c.token_hash == token_hash)
            )
        ).first()
        if row is None:
            return None
        r = row._mapping
        return StaffSession(member=_member(row), csrf=r["csrf_token"], expires_at=r["expires_at"])

    async def remove_session(self, token_hash: str) -> None:
        await self._conn.execute(
            delete(staff_sessions).where(staff_sessions.c.token_hash == token_hash)
        )

    async def end_sessions(self, staff_id: uuid.UUID) -> None:
        await self._conn.execute(
            delete(staff_sessions).where(staff_sessions.c.staff_id == staff_id)
        )
