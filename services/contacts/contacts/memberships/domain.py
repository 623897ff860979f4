"""Membership of the national digital-support network, and its life cycle.

pending -> active | declined; active <-> paused; active | paused -> left; a person who left
or was declined may apply again. Staff approve or decline pending applications.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from contacts.errors import Conflict, InvalidInput

MembershipState = Literal["pending", "active", "paused", "left", "declined"]
EcosystemRole = Literal["provider_developer", "influencer_funder", "national_developer"]
ECOSYSTEM_ROLES: tuple[str, ...] = ("provider_developer", "influencer_funder", "national_developer")
MAX_REASON = 500

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], MembershipState]] = {
    "apply": (("left", "declined"), "pending"),
    "approve": (("pending",), "active"),
    "decline": (("pending",), "declined"),
    "pause": (("active",), "paused"),
    "resume": (("paused",), "active"),
    "leave": (("active", "paused", "pending"), "left"),
}


def parse_role(raw: str | None) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in ECOSYSTEM_ROLES:
        raise InvalidInput(
            f"Ecosystem role must be one of: {', '.join(ECOSYSTEM_ROLES)}.", field="ecosystem_role"
        )
    return raw


@dataclass(frozen=True)
class Membership:
    person_id: uuid.UUID
    state: MembershipState
    applied_at: datetime
    ecosystem_role: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    reason: str = ""
    decided_by: str | None = None

    @classmethod
    def application(
        cls, person_id: uuid.UUID, *, at: datetime, ecosystem_role: str | None = None
    ) -> Membership:
        return cls(
            person_id=person_id,
            state="pending",
            applied_at=at,
            ecosystem_role=parse_role(ecosystem_role),
        )

    def apply(
        self,
        action: str,
        *,
        at: datetime,
        reason: str = "",
        by: str | None = None,
        ecosystem_role: str | None = None,
    ) -> Membership:
        rule = TRANSITIONS.get(action)
        if rule is None:
            raise InvalidInput(f"Unknown membership action {action!r}.", field="action")
        sources, target = rule
        if self.state not in sources:
            raise Conflict(f"A {self.state} membership cannot {action}.", field="state")
        if len(reason) > MAX_REASON:
            raise InvalidInput(f"Reason is longer than {MAX_REASON} characters.", field="reason")
        changes: dict[str, object] = {"state": target, "reason": reason.strip()}
        if ecosystem_role is not None:
            changes["ecosystem_role"] = parse_role(ecosystem_role)
        if action == "apply":
            changes.update(applied_at=at, started_at=None, ended_at=None, decided_by=None)
        elif action == "approve":
            changes.update(started_at=at, decided_by=by)
        elif action == "decline":
            changes.update(ended_at=at, decided_by=by)
        elif action == "leave":
            changes.update(ended_at=at)
        return replace(self, **changes)  # type: ignore[arg-type]
