"""Staff members who sign in to the workspace, and the rules of signing in."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from contacts.errors import Conflict, InvalidInput
from contacts.people.domain.person import normalise_email

Role = Literal["viewer", "editor", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")
# Failed sign-ins slow the account down instead of locking it: anyone who knows a staff
# address could otherwise keep its owner out. The first few are free, then each failure makes
# the next attempt wait twice as long, up to a minute; the per-IP limit of the sign-in form
# keeps one client from keeping the account waiting for long.
FREE_FAILURES = 3
MAX_DELAY = timedelta(seconds=60)
MIN_PASSWORD = 12
MAX_PASSWORD = 256


def delay_after(failures: int) -> timedelta:
    """How long the account waits after `failures` failed sign-ins in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(MAX_DELAY, timedelta(seconds=2 ** min(failures - FREE_FAILURES, 16)))


def parse_role(raw: str) -> Role:
    for role in ROLES:
        if raw == role:
            return role
    raise InvalidInput("Role must be viewer, editor or admin.", field="role")


def role_from_groups(groups: Iterable[str], group_roles: Mapping[str, Role]) -> Role | None:
    """The highest role that any of the person's groups gives; None when no group gives one."""
    given = {group_roles[g] for g in groups if g in group_roles}
    return max(given, key=ROLES.index, default=None)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD} characters.", field="password"
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("The password is too long.", field="password")


@dataclass(frozen=True)
class StaffMember:
    id: uuid.UUID
    email: str
    name: str
    role: Role
    password_hash: str
    failed_attempts: int = 0
    locked_until: datetime | None = None
    active: bool = True

    @classmethod
    def new(cls, *, email: str, name: str, role: str, password_hash: str) -> StaffMember:
        return cls(
            id=uuid.uuid4(),
            email=normalise_email(email),
            name=" ".join(name.split())[:100],
            role=parse_role(role),
            password_hash=password_hash,
        )

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime) -> StaffMember:
        """One more failed sign-in: the next attempt is heard only after a growing delay."""
        failures = self.failed_attempts + 1
        wait = delay_after(failures)
        return replace(self, failed_attempts=failures, locked_until=now + wait if wait else None)

    def after_success(self) -> StaffMember:
        return replace(self, failed_attempts=0, locked_until=None)

    def with_access(self, *, role: str | None = None, active: bool | None = None) -> StaffMember:
        return replace(
            self,
            role=parse_role(role) if role is not None else self.role,
            active=self.active if active is None else active,
        )


def check_access_change(before: list[StaffMember], changed: StaffMember, *, by: str | None) -> None:
    """Nobody locks the installation out: an active admin remains, and no one removes
    their own admin rights or account (another admin has to)."""
    if by == str(changed.id) and (not changed.active or changed.role != "admin"):
        raise InvalidInput("You cannot remove your own access; ask another admin.", field="role")
    after = [changed if m.id == changed.id else m for m in before]
    if not any(m.active and m.role == "admin" for m in after):
        raise Conflict("At least one active admin must remain.", field="role")


@dataclass(frozen=True)
class StaffSession:
    """A signed-in browser: the member, the CSRF token of its forms, when it ends."""

    member: StaffMember
    csrf: str
    expires_at: datetime

    def open_at(self, now: datetime) -> bool:
        """Heard only before it expires and while its member is active (deactivating a member
        ends their sessions at once)."""
        return now < self.expires_at and self.member.active
