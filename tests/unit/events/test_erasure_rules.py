"""Registrations following erasures and merges (`registration.erasure.settle_removed_people`)
on the in-memory unit of work: an erased person's registrations keep state and times only,
with one audit entry naming no one; a merged record's registrations go to the kept person;
a merge into a record the replica holds erased is an erasure."""

from __future__ import annotations

import uuid

import pytest
from events.registration.erasure import settle_removed_people

from shared.events.audit import StaffActionV1
from shared.events.contacts import CONTACT_ERASED
from shared.events.envelope import CloudEvent, new_event
from shared.events.topics import STAFF_AUDIT
from tests.unit.fakes.events import FakeEventsUnitOfWork

ANNA, BEA, KEPT = uuid.UUID(int=0xA1), uuid.UUID(int=0xB1), uuid.UUID(int=0xC1)


def tombstone(contact_id: uuid.UUID, merged_into: uuid.UUID | None = None) -> CloudEvent:
    return new_event(
        source="/tests",
        data=None,
        event_type=CONTACT_ERASED,
        subject=str(contact_id),
        version=3,
        merged_into=str(merged_into) if merged_into else None,
    )


def audited(uow: FakeEventsUnitOfWork) -> list[StaffActionV1]:
    return [e.parse(StaffActionV1) for t, _, e in uow.published if t == STAFF_AUDIT.name]


async def test_an_erased_persons_registrations_keep_only_state_and_it_is_audited() -> None:
    uow = FakeEventsUnitOfWork()
    store = uow.erasure
    theirs = store.register(ANNA, state="cancelled")
    others = store.register(BEA)

    await settle_removed_people(uow, [tombstone(ANNA)])

    erased = store.registrations[theirs]
    assert (erased.contact_id, erased.name, erased.accessibility_needs) == (None, "", "")
    assert erased.email.endswith("@erased.invalid") and erased.state == "cancelled"
    assert store.registrations[others].contact_id == BEA
    (entry,) = audited(uow)
    assert entry.action == "contact.erased.anonymised"
    assert entry.details == {"registrations": 1}
    assert entry.actor_id is None and entry.service == "events"
    assert str(ANNA) not in entry.model_dump_json()


async def test_a_second_delivery_changes_nothing_and_audits_nothing_more() -> None:
    uow = FakeEventsUnitOfWork()
    uow.erasure.register(ANNA)
    await settle_removed_people(uow, [tombstone(ANNA)])

    await settle_removed_people(uow, [tombstone(ANNA)])

    assert len(audited(uow)) == 1


async def test_a_merged_records_registrations_go_to_the_kept_person_unaudited() -> None:
    uow = FakeEventsUnitOfWork()
    moved = uow.erasure.register(BEA)

    await settle_removed_people(uow, [tombstone(BEA, merged_into=KEPT)])

    assert uow.erasure.registrations[moved].contact_id == KEPT
    assert uow.erasure.registrations[moved].name == "Anna Virtanen"
    assert audited(uow) == []


async def test_a_merge_into_a_record_the_replica_holds_erased_is_an_erasure() -> None:
    uow = FakeEventsUnitOfWork()
    uow.erasure.erased.add(KEPT)
    theirs = uow.erasure.register(BEA)

    await settle_removed_people(uow, [tombstone(BEA, merged_into=KEPT)])

    assert uow.erasure.registrations[theirs].contact_id is None
    assert [a.action for a in audited(uow)] == ["contact.erased.anonymised"]


async def test_a_failing_merge_step_publishes_not_even_the_erasures_audit() -> None:
    uow = FakeEventsUnitOfWork()
    uow.erasure.register(ANNA)

    async def broken(*, source: uuid.UUID, target: uuid.UUID) -> int:
        raise RuntimeError("database gone")

    uow.erasure.repoint = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await settle_removed_people(uow, [tombstone(ANNA), tombstone(BEA, merged_into=KEPT)])
    assert uow.published == []
