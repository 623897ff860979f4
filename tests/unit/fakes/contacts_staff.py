"""In-memory staff members and sessions (`uow.staff` of the fake contacts unit of work)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from contacts.errors import Conflict
from contacts.staff.domain import StaffMember, StaffSession
from contacts.staff.repository import TAKEN


class FakeStaff:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, StaffMember] = {}
        # token hash -> (staff id, csrf, expires)
        self.sessions: dict[str, tuple[uuid.UUID, str, datetime]] = {}

    async def add(self, member: StaffMember) -> None:
        if await self.by_email(member.email) is not None:
            raise Conflict(TAKEN, field="email")
        self.rows[member.id] = member

    async def by_email(self, email: str, *, for_update: bool = False) -> StaffMember | None:
        return next((m for m in self.rows.values() if m.email.lower() == email.lower()), None)

    async def get(self, staff_id: uuid.UUID) -> StaffMember | None:
        return self.rows.get(staff_id)

    async def any_admin(self) -> bool:
        return any(m.role == "admin" for m in self.rows.values())

    async def all_members(self, *, for_update: bool = False) -> list[StaffMember]:
        return sorted(self.rows.values(), key=lambda m: m.email.lower())

    async def save_access(self, member: StaffMember) -> None:
        stored = self.rows[member.id]
        self.rows[member.id] = replace(stored, role=member.role, active=member.active)

    async def save_sign_in_state(self, member: StaffMember) -> None:
        stored = self.rows[member.id]
        self.rows[member.id] = replace(
            stored, failed_attempts=member.failed_attempts, locked_until=member.locked_until
        )

    async def replace_password(self, member: StaffMember, new_hash: str) -> bool:
        stored = self.rows.get(member.id)
        if stored is None or stored.password_hash != member.password_hash:
            return False
        self.rows[member.id] = replace(
            stored, password_hash=new_hash, failed_attempts=0, locked_until=None
        )
        return True

    async def add_session(
        self, *, token_hash: str, staff_id: uuid.UUID, csrf: str, expires: datetime
    ) -> None:
        self.sessions[token_hash] = (staff_id, csrf, expires)

    async def session(self, token_hash: str) -> StaffSession | None:
        found = self.sessions.get(token_hash)
        if found is None:
            return None
        staff_id, csrf, expires = found
        return StaffSession(member=self.rows[staff_id], csrf=csrf, expires_at=expires)

    async def remove_session(self, token_hash: str) -> None:
        self.sessions.pop(token_hash, None)

    async def end_sessions(self, staff_id: uuid.UUID) -> None:
        self.sessions = {t: s for t, s in self.sessions.items() if s[0] != staff_id}
