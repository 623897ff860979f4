"""The onboarding lists' domain: which state a list shows, capped counts, and per person what
a bulk invitation or reminder does or why it skips them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contacts.labels import ONBOARDING_LIST_STATES
from contacts.onboarding.domain.lists import (
    LIST_STATES,
    Count,
    Standing,
    capped,
    invite_verdict,
    list_state,
    pages_of,
    remind_verdict,
    sort_column,
    stored_state,
)
from contacts.onboarding.domain.onboarding import Onboarding, funnel_of

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
MEMBER = Standing(membership_state="active", subscription_state="subscribed")
INVITED = Standing(
    onboarding_state="invited",
    membership_state="active",
    subscription_state="subscribed",
    code_usable=True,
)


def test_every_list_state_has_words_a_sort_and_a_stored_state() -> None:
    assert set(ONBOARDING_LIST_STATES) == set(LIST_STATES)
    assert stored_state("reminded") == "invited" and stored_state("left") == "left"
    assert sort_column("not_invited") == "name" and sort_column("left") == "left_at"
    assert list_state("requested") == "requested"
    assert list_state("") == "invited" and list_state("'; drop") == "invited"


@pytest.mark.parametrize(
    ("counted", "shown"),
    [(0, Count(0)), (10_000, Count(10_000)), (10_001, Count(10_000, more=True))],
)
def test_counts_stop_at_the_cap_and_say_so(counted: int, shown: Count) -> None:
    assert capped(counted) == shown


def test_pages_round_up_and_an_empty_list_has_one_page() -> None:
    assert (pages_of(Count(0), 25), pages_of(Count(25), 25), pages_of(Count(26), 25)) == (1, 1, 2)


@pytest.mark.parametrize(
    ("standing", "verdict"),
    [
        (MEMBER, None),
        (Standing(onboarding_state="declined", membership_state="active"), None),
        (Standing(onboarding_state="left", membership_state="active"), None),
        (INVITED, ("unchanged", "Already invited")),
        (Standing(onboarding_state="requested"), ("unchanged", "Already asked to join")),
        (Standing(onboarding_state="approved"), ("unchanged", "Already in the group")),
        (Standing(membership_state=None), ("refused", "Not a member")),
        (Standing(membership_state="paused"), ("refused", "Not a member")),
        (
            Standing(membership_state="active", subscription_state="unsubscribed"),
            ("refused", "Unsubscribed"),
        ),
        (
            Standing(membership_state="active", email_status="bounced"),
            ("refused", "The email address does not work"),
        ),
    ],
    ids=[
        "member",
        "declined-again",
        "left-again",
        "invited",
        "requested",
        "approved",
        "no-membership",
        "paused",
        "unsubscribed",
        "bounced",
    ],
)
def test_an_invitation_goes_to_members_only_and_says_why_it_skips(
    standing: Standing, verdict: tuple[str, str] | None
) -> None:
    assert invite_verdict(standing) == verdict


@pytest.mark.parametrize(
    ("standing", "verdict"),
    [
        (INVITED, None),
        (
            Standing(
                onboarding_state="invited",
                code_usable=True,
                last_reminded_at=NOW - timedelta(days=2),
            ),
            None,
        ),
        (
            Standing(
                onboarding_state="invited",
                code_usable=True,
                last_reminded_at=NOW - timedelta(hours=1),
            ),
            ("unchanged", "Reminded less than a day ago"),
        ),
        (
            Standing(onboarding_state="invited"),
            ("refused", "The join code has expired: invite them again"),
        ),
        (
            Standing(
                onboarding_state="invited", code_usable=True, subscription_state="unsubscribed"
            ),
            ("refused", "Unsubscribed"),
        ),
        (Standing(), ("refused", "Not invited yet")),
        (Standing(onboarding_state="requested"), ("unchanged", "Already asked to join")),
        (Standing(onboarding_state="approved"), ("unchanged", "Already in the group")),
        (Standing(onboarding_state="left"), ("refused", "Left the group: invite them again first")),
        (Standing(onboarding_state="declined"), ("refused", "Declined: invite them again first")),
    ],
    ids=[
        "invited",
        "reminded-days-ago",
        "reminded-an-hour-ago",
        "code-expired",
        "unsubscribed",
        "not-invited",
        "requested",
        "approved",
        "left",
        "declined",
    ],
)
def test_a_reminder_goes_to_the_invited_with_a_code_and_says_why_it_skips(
    standing: Standing, verdict: tuple[str, str] | None
) -> None:
    assert remind_verdict(standing, now=NOW) == verdict


def test_the_funnel_counts_the_approved_who_left_as_a_stage_of_its_own() -> None:
    def row(state: str) -> Onboarding:
        return Onboarding(
            uuid.UUID(int=len(state)),
            state,  # type: ignore[arg-type]
            invited_at=NOW,
            requested_at=NOW + timedelta(hours=1),
            decided_at=NOW + timedelta(hours=2),
        )

    step = funnel_of([row("approved"), row("left"), row("left"), row("declined")])
    assert (step.invited, step.requested, step.approved, step.left) == (4, 4, 3, 2)
