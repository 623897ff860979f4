"""Merging duplicates on the in-memory unit of work: the kept record takes the chosen fields,
the history and the further membership; the removed one goes with a tombstone naming the kept
one; a refused merge changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.memberships.domain import Membership
from contacts.merging import service
from contacts.people.domain.person import Person

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
AT = datetime(2026, 3, 1, tzinfo=UTC)


async def two() -> tuple[FakeContactsUnitOfWork, Person, Person]:
    uow = FakeContactsUnitOfWork()
    keep = replace(Person.new(email="aino@example.fi", first_name="Aino", tags=("A",)), version=3)
    other = replace(
        Person.new(email="aino.v@example.fi", first_name="Aino-Maria", tags=("B",)),
        last_engaged_on=date(2026, 2, 1),
    )
    await uow.people.add(keep)
    await uow.people.add(other)
    await uow.commit()
    return uow, keep, other


async def test_a_merge_keeps_one_record_and_tombstones_the_other_naming_the_kept_one() -> None:
    uow, keep, other = await two()
    uow.merging.history = {"activity": [(other.id, "signed up"), (keep.id, "opened")]}
    uow.merging.onboarding = {other.id: "invited"}
    uow.memberships.rows = {
        keep.id: Membership.application(keep.id, at=AT),
        other.id: replace(Membership.application(other.id, at=AT), state="active"),
    }
    merged = await service.merge_people(
        uow, keep_id=keep.id, merge_id=other.id, from_other=["first_name"], actor=EDITOR
    )
    assert (merged.id, merged.email, merged.first_name) == (keep.id, keep.email, "Aino-Maria")
    assert merged.tags == ("A", "B") and merged.last_engaged_on == date(2026, 2, 1)
    assert merged.version == 4  # above both records' versions
    assert set(uow.people.rows) == {keep.id} and uow.people.rows[keep.id] == merged
    assert uow.merging.history["activity"] == [(keep.id, "signed up"), (keep.id, "opened")]
    assert uow.merging.onboarding == {keep.id: "invited"}
    assert uow.memberships.rows[keep.id].state == "active" and other.id not in uow.memberships.rows
    (tombstone,) = uow.tombstones()
    assert (tombstone.subject, tombstone.mergedinto) == (str(other.id), str(keep.id))
    assert [s.contact_id for s in uow.snapshots()] == [keep.id]
    assert uow.activity_kinds() == ["merged"]
    (entry,) = uow.audit.entries
    assert (entry.actor, entry.action, entry.target_id) == (EDITOR, "person.merged", str(keep.id))
    assert entry.details == {"merged_id": str(other.id), "from_other": ["first_name"]}
    assert other.email not in str(entry)  # the removed address is not kept in the log


async def test_the_kept_membership_stays_when_it_is_further_along() -> None:
    uow, keep, other = await two()
    uow.memberships.rows = {
        keep.id: replace(Membership.application(keep.id, at=AT), state="active"),
        other.id: replace(Membership.application(other.id, at=AT), state="declined"),
    }
    uow.merging.onboarding = {keep.id: "joined", other.id: "invited"}
    await service.merge_people(uow, keep_id=keep.id, merge_id=other.id, actor=EDITOR)
    assert uow.memberships.rows[keep.id].state == "active"
    assert uow.merging.onboarding[keep.id] == "joined"


async def test_the_weak_areas_are_those_of_the_latest_result_of_either_record() -> None:
    uow, keep, other = await two()
    await uow.assessments.add_result(
        attempt_id=uuid.UUID(int=1),
        assessment_id=uuid.UUID(int=9),
        person_id=keep.id,
        taken_on=date(2026, 1, 1),
        percents={"security": 90},
    )
    await uow.assessments.add_result(
        attempt_id=uuid.UUID(int=2),
        assessment_id=uuid.UUID(int=9),
        person_id=other.id,
        taken_on=date(2026, 2, 1),
        percents={"security": 10, "privacy": 100},
    )
    uow.merging.history = {"assessment_results": []}

    # The SQL re-points results with the rest of the history; the fake's results do it here.
    async def repoint(*, source: uuid.UUID, target: uuid.UUID) -> None:
        uow.assessments.results = {
            k: replace(r, person_id=target) if r.person_id == source else r
            for k, r in uow.assessments.results.items()
        }

    uow.merging.repoint_history = repoint  # type: ignore[method-assign]
    merged = await service.merge_people(uow, keep_id=keep.id, merge_id=other.id, actor=EDITOR)
    assert merged.weak_areas == ("security",)


@pytest.mark.parametrize(
    ("case", "error"),
    [("missing", NotFound), ("itself", InvalidInput), ("unknown_field", InvalidInput)],
)
async def test_a_refused_merge_changes_and_publishes_nothing(
    case: str, error: type[Exception]
) -> None:
    uow, keep, other = await two()
    merge_id = {"missing": uuid.UUID(int=7), "itself": keep.id}.get(case, other.id)
    chosen = ["shoe_size"] if case == "unknown_field" else []
    with pytest.raises(error):
        await service.merge_people(
            uow, keep_id=keep.id, merge_id=merge_id, from_other=chosen, actor=EDITOR
        )
    assert set(uow.people.rows) == {keep.id, other.id}
    assert uow.published == [] and uow.audit.entries == [] and uow.commits == 1


async def test_look_alikes_come_with_both_people_and_a_vanished_one_is_left_out() -> None:
    uow, keep, other = await two()
    uow.merging.pairs = [
        {"reason": "email", "a": keep.id, "b": other.id},
        {"reason": "phone", "a": keep.id, "b": uuid.UUID(int=5)},
    ]
    found = await service.possible_duplicates(uow)
    assert found == [{"reason": "email", "a": keep, "b": other}]
