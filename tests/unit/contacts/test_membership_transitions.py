"""Membership steps staff take from the person page: which step each state allows, the
required short reason, and every step kept as from → to, by whom, why."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.errors import Conflict, InvalidInput
from contacts.memberships.domain import (
    MAX_STAFF_REASON,
    STAFF_ACTIONS,
    Membership,
    Transition,
    staff_actions_from,
    staff_reason,
    transition,
)
from contacts.memberships.service import change_membership
from contacts.people.service.people import register_person

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
AT = datetime(2026, 3, 1, 9, tzinfo=UTC)
PERSON = uuid.UUID(int=7)


def membership(state: str) -> Membership:
    return Membership(person_id=PERSON, state=state, applied_at=AT)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "offered"),
    [
        (None, ()),
        ("pending", ("approve", "decline", "leave")),
        ("active", ("pause", "leave")),
        ("paused", ("resume", "leave")),
        ("left", ()),
        ("declined", ()),
    ],
)
def test_each_state_offers_staff_exactly_the_steps_the_life_cycle_allows(
    state: str | None, offered: tuple[str, ...]
) -> None:
    assert staff_actions_from(state) == offered
    for action in STAFF_ACTIONS:
        if state is None:
            continue
        if action in offered:
            membership(state).apply(action, at=AT)
        else:
            with pytest.raises(Conflict):
                membership(state).apply(action, at=AT)


def test_pausing_an_active_membership_and_resuming_it() -> None:
    paused = membership("active").apply("pause", at=AT, reason="parental leave")
    assert (paused.state, paused.reason) == ("paused", "parental leave")
    resumed = paused.apply("resume", at=AT, reason="back at work")
    assert resumed.state == "active"


def test_only_an_active_membership_pauses_and_only_a_paused_one_resumes() -> None:
    with pytest.raises(Conflict):
        membership("pending").apply("pause", at=AT)
    with pytest.raises(Conflict):
        membership("active").apply("resume", at=AT)
    with pytest.raises(Conflict):
        membership("left").apply("resume", at=AT)


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_a_staff_step_needs_a_reason(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        staff_reason(raw)
    assert refused.value.field == "reason"


def test_a_staff_reason_is_one_short_line() -> None:
    assert staff_reason("  moved   to\nanother job ") == "moved to another job"
    assert staff_reason("x" * MAX_STAFF_REASON) == "x" * MAX_STAFF_REASON
    with pytest.raises(InvalidInput):
        staff_reason("x" * (MAX_STAFF_REASON + 1))


def test_a_transition_names_the_state_before_and_after() -> None:
    before = membership("active")
    after = before.apply("pause", at=AT, reason="sick leave")
    assert transition(before, after, action="pause", at=AT, by="staff-1") == Transition(
        person_id=PERSON,
        action="pause",
        from_state="active",
        to_state="paused",
        at=AT,
        reason="sick leave",
        by="staff-1",
    )
    first = Membership.application(PERSON, at=AT)
    assert transition(None, first, action="apply", at=AT, by=None).from_state is None


async def test_every_step_is_kept_with_who_and_why_and_told_to_the_timeline() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="jasen@example.fi")
    steps = [
        ("apply", ""),
        ("approve", "meets the criteria"),
        ("pause", "on leave"),
        ("resume", "back"),
        ("leave", "moved abroad"),
    ]
    for action, reason in steps:
        await change_membership(uow, person.id, action=action, actor=EDITOR, reason=reason, at=AT)
    kept = [
        (t.action, t.from_state, t.to_state, t.reason, t.by) for t in uow.memberships.transitions
    ]
    assert kept == [
        ("apply", None, "pending", "", "staff-1"),
        ("approve", "pending", "active", "meets the criteria", "staff-1"),
        ("pause", "active", "paused", "on leave", "staff-1"),
        ("resume", "paused", "active", "back", "staff-1"),
        ("leave", "active", "left", "moved abroad", "staff-1"),
    ]
    assert [e.details["from"] for e in uow.audit.entries] == [
        None,
        "pending",
        "active",
        "paused",
        "active",
    ]
    assert [e.details["reason"] for e in uow.audit.entries] == [r for _a, r in steps]


async def test_a_refused_step_keeps_no_transition() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="hakija@example.fi")
    await change_membership(uow, person.id, action="apply", actor=EDITOR, at=AT)
    with pytest.raises(Conflict):
        await change_membership(uow, person.id, action="resume", actor=EDITOR, reason="x", at=AT)
    assert [t.action for t in uow.memberships.transitions] == ["apply"]
