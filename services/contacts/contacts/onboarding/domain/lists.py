"""Who is where in the Facebook-group onboarding: the states the lists show, and per person
what a bulk action from a list would do, or why it skips them (plain Python)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

ListState = Literal[
    "not_invited", "invited", "reminded", "requested", "approved", "left", "declined"
]
BulkAction = Literal["invite", "remind", "left"]
Outcome = Literal["changed", "unchanged", "refused"]

# In the order staff walk them: who to invite, who is waiting, who is in, who went.
LIST_STATES: tuple[ListState, ...] = (
    "not_invited",
    "invited",
    "reminded",
    "requested",
    "approved",
    "left",
    "declined",
)
BULK_ACTIONS: tuple[BulkAction, ...] = ("invite", "remind", "left")
DEFAULT_STATE: ListState = "invited"
# Counting stops here: a tab reads "10 000+" rather than walking a million rows.
COUNT_CAP = 10_000
# A second manual reminder within this time is skipped (a double click, a reload).
REMIND_AGAIN_AFTER = timedelta(hours=20)


def list_state(value: str) -> ListState:
    """The state a list shows; anything unknown falls back to the invited people."""
    for state in LIST_STATES:
        if value == state:
            return state
    return DEFAULT_STATE


def stored_state(state: ListState) -> str:
    """The onboarding state stored for a list (the reminded are invited people)."""
    return "invited" if state == "reminded" else state


def sort_column(state: ListState) -> str:
    """The date a list is ordered by, newest first (names for those not invited)."""
    return {
        "not_invited": "name",
        "invited": "invited_at",
        "reminded": "last_reminded_at",
        "requested": "requested_at",
        "approved": "decided_at",
        "declined": "decided_at",
        "left": "left_at",
    }[state]


@dataclass(frozen=True)
class Count:
    """A capped count: `value` is exact unless `more` (then there are more than `value`)."""

    value: int
    more: bool = False


def capped(counted: int, cap: int = COUNT_CAP) -> Count:
    """A count taken with LIMIT cap + 1, as the page shows it."""
    return Count(cap, True) if counted > cap else Count(counted)


def pages_of(count: Count, per_page: int) -> int:
    return max(1, -(-count.value // per_page))


@dataclass(frozen=True)
class Standing:
    """What a bulk action needs to know about one person."""

    onboarding_state: str = "not_invited"
    membership_state: str | None = None
    subscription_state: str | None = None
    email_status: str | None = "ok"
    reminders_sent: int = 0
    last_reminded_at: datetime | None = None
    code_usable: bool = False


# Why an action skipped a person (nothing to do) or refused them (not possible), in words
# the pages translate.
ALREADY: Mapping[str, str] = {
    "invited": "Already invited",
    "requested": "Already asked to join",
    "approved": "Already in the group",
}


def _mail_problem(who: Standing) -> str | None:
    if who.subscription_state == "unsubscribed":
        return "Unsubscribed"
    if who.email_status not in (None, "ok"):
        return "The email address does not work"
    return None


def invite_verdict(who: Standing) -> tuple[Outcome, str] | None:
    """None when the person can be invited; else skipped (already there) or refused, and why.

    Invitations go to active members only; someone declined or gone may be invited again.
    """
    if who.onboarding_state in ALREADY:
        return "unchanged", ALREADY[who.onboarding_state]
    if who.membership_state != "active":
        return "refused", "Not a member"
    problem = _mail_problem(who)
    return ("refused", problem) if problem else None


def remind_verdict(who: Standing, *, now: datetime) -> tuple[Outcome, str] | None:
    """None when a reminder with the person's join code can go; else skipped or refused."""
    state = who.onboarding_state
    if state in ("requested", "approved"):
        return "unchanged", ALREADY[state]
    if state != "invited":
        return "refused", {
            "not_invited": "Not invited yet",
            "declined": "Declined: invite them again first",
            "left": "Left the group: invite them again first",
        }.get(state, "Not possible in this state")
    problem = _mail_problem(who)
    if problem:
        return "refused", problem
    if not who.code_usable:
        return "refused", "The join code has expired: invite them again"
    if who.last_reminded_at is not None and now - who.last_reminded_at < REMIND_AGAIN_AFTER:
        return "unchanged", "Reminded less than a day ago"
    return None
