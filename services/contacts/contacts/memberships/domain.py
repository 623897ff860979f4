"""Membership of the national digital-support network, and its life cycle.

pending -> active | declined; active <-> paused; active | paused | pending -> left; a person
who left or was declined may apply again. Staff approve or decline pending applications,
pause and resume active members and record that someone left, each with a short reason; every
step is kept as a `Transition` (from, to, by whom, why) for the person's timeline.
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
MAX_STAFF_REASON = 200
# What staff do from the person page (applying is the person's own step, or an import's).
STAFF_ACTIONS: tuple[str, ...] = ("approve", "decline", "pause", "resume", "leave")

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], MembershipState]] = {
    "apply": (("left", "declined"), "pending"),
    "approve": (("pending",), "active"),
    "decline": (("pending",), "declined"),
    "pause": (("active",), "paused"),
    "resume": (("paused",), "active"),
    "leave": (("active", "paused", "pending"), "left"),
}


def staff_actions_from(state: str | None) -> tuple[str, ...]:
    """The staff actions a membership in `state` allows, in the order the page offers them."""
    if state is None:
        return ()
    return tuple(a for a in STAFF_ACTIONS if state in TRANSITIONS[a][0])


def staff_reason(raw: str) -> str:
    """A staff decision's reason: required, one short line (whitespace collapsed)."""
    reason = " ".join(raw.split())
    if not reason:
        raise InvalidInput("Give a reason.", field="reason")
    if len(reason) > MAX_STAFF_REASON:
        raise InvalidInput(
            f"The reason is longer than {MAX_STAFF_REASON} characters.", field="reason"
        )
    return reason


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


@dataclass(frozen=True)
class Transition:
    """One step of a membership's life: from which state (None: there was no membership) to
    which, by which action, by whom (a staff id; None: the person themselves) and why."""

    person_id: uuid.UUID
    action: str
    from_state: str | None
    to_state: str
    at: datetime
    reason: str = ""
    by: str | None = None


def transition(
    before: Membership | None, after: Membership, *, action: str, at: datetime, by: str | None
) -> Transition:
    return Transition(
        person_id=after.person_id,
        action=action,
        from_state=before.state if before else None,
        to_state=after.state,
        at=at,
        reason=after.reason,
        by=by,
    )
