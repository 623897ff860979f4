"""Membership decisions on the in-memory unit of work: life cycle, snapshot, group, audit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.errors import Conflict, NotFound
from contacts.memberships.service import change_membership
from contacts.people.domain.person import Person
from contacts.people.service.people import register_person

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


async def registered(uow: FakeContactsUnitOfWork) -> Person:
    return await register_person(uow, email=f"{uuid.uuid4().hex[:8]}@example.fi")


async def test_staff_applying_for_a_person_makes_a_pending_membership_others_see() -> None:
    uow = FakeContactsUnitOfWork()
    person = await registered(uow)
    membership = await change_membership(
        uow, person.id, action="apply", actor=EDITOR, ecosystem_role="influencer_funder", at=AT
    )
    assert membership.state == "pending"
    assert uow.memberships.rows[person.id] == membership
    latest = uow.snapshots()[-1]
    assert (latest.membership_state, latest.ecosystem_role) == ("pending", "influencer_funder")
    assert latest.version == person.version + 1
    assert uow.activity_kinds() == ["membership_changed"]
    [entry] = uow.audit.entries
    assert (entry.actor, entry.action, entry.target_id) == (
        EDITOR,
        "membership.apply",
        str(person.id),
    )
    assert uow.group.invited == {}


async def test_approving_invites_to_the_group_once() -> None:
    uow = FakeContactsUnitOfWork()
    person = await registered(uow)
    await change_membership(uow, person.id, action="apply", actor=EDITOR, at=AT)
    approved = await change_membership(uow, person.id, action="approve", actor=EDITOR, at=AT)
    assert (approved.state, approved.started_at, approved.decided_by) == ("active", AT, "staff-1")
    assert list(uow.group.invited) == [person.id]
    await change_membership(uow, person.id, action="pause", actor=EDITOR, at=AT)
    await change_membership(uow, person.id, action="resume", actor=EDITOR, at=AT)
    assert list(uow.group.invited) == [person.id]
    assert uow.snapshots()[-1].onboarding_state == "invited"


async def test_declining_invites_no_one() -> None:
    uow = FakeContactsUnitOfWork()
    person = await registered(uow)
    await change_membership(uow, person.id, action="apply", actor=EDITOR, at=AT)
    declined = await change_membership(
        uow, person.id, action="decline", actor=EDITOR, reason=" not now ", at=AT
    )
    assert (declined.state, declined.reason, declined.ended_at) == ("declined", "not now", AT)
    assert uow.group.invited == {}


async def test_a_decision_without_a_membership_is_not_found_and_changes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    person = await registered(uow)
    before = len(uow.published)
    with pytest.raises(NotFound):
        await change_membership(uow, person.id, action="approve", actor=EDITOR, at=AT)
    assert uow.memberships.rows == {}
    assert len(uow.published) == before
    assert uow.audit.entries == []


async def test_a_transition_the_life_cycle_forbids_is_refused_and_rolled_back() -> None:
    uow = FakeContactsUnitOfWork()
    person = await registered(uow)
    pending = await change_membership(uow, person.id, action="apply", actor=EDITOR, at=AT)
    published = len(uow.published)
    with pytest.raises(Conflict):
        await change_membership(uow, person.id, action="pause", actor=EDITOR, at=AT)
    assert uow.memberships.rows[person.id] == pending
    assert len(uow.published) == published
    assert [e.action for e in uow.audit.entries] == ["membership.apply"]


async def test_a_missing_person_is_not_found() -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(NotFound):
        await change_membership(uow, uuid.uuid4(), action="apply", actor=None, at=AT)
