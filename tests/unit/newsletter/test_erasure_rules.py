"""Newsletter following erasures and merges (`erasure.service.settle_removed_people`) on the
in-memory unit of work: an erased person's deliveries lose them and their tracking is
unlinked; a merged record's deliveries go to the kept person, except one for a campaign the
kept person also got; a merge into a record the replica holds erased is an erasure."""

from __future__ import annotations

import uuid

from newsletter.erasure.service import settle_removed_people

from shared.events.contacts import CONTACT_ERASED
from shared.events.envelope import CloudEvent, new_event
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

ANNA, BEA, KEPT = uuid.UUID(int=0xA1), uuid.UUID(int=0xB1), uuid.UUID(int=0xC1)
SPRING, AUTUMN = uuid.UUID(int=0x51), uuid.UUID(int=0x52)


def tombstone(contact_id: uuid.UUID, merged_into: uuid.UUID | None = None) -> CloudEvent:
    return new_event(
        source="/tests",
        data=None,
        event_type=CONTACT_ERASED,
        subject=str(contact_id),
        version=3,
        merged_into=str(merged_into) if merged_into else None,
    )


async def test_an_erased_persons_deliveries_are_anonymised_and_their_tracking_unlinked() -> None:
    uow = FakeNewsletterUnitOfWork()
    store = uow.erasure
    sent = store.deliver(ANNA, SPRING)
    waiting = store.deliver(ANNA, AUTUMN, status="pending")
    other = store.deliver(BEA, SPRING)
    opened, theirs = store.track(sent), store.track(other)

    await settle_removed_people(uow, [tombstone(ANNA)])

    assert store.deliveries[sent].contact_id is None
    assert store.deliveries[sent].to_email is None
    assert store.deliveries[waiting].status == "suppressed"  # never sent now
    assert store.deliveries[other].contact_id == BEA
    assert store.tracking[opened] not in store.deliveries  # no longer joinable
    assert store.tracking[theirs] == other
    assert uow.commits == 1


async def test_a_second_delivery_of_the_tombstone_changes_nothing_more() -> None:
    uow = FakeNewsletterUnitOfWork()
    sent = uow.erasure.deliver(ANNA, SPRING)
    opened = uow.erasure.track(sent)
    await settle_removed_people(uow, [tombstone(ANNA)])
    unlinked = uow.erasure.tracking[opened]

    await settle_removed_people(uow, [tombstone(ANNA)])

    assert uow.erasure.tracking[opened] == unlinked


async def test_a_merged_records_deliveries_go_to_the_kept_person_but_one_per_campaign() -> None:
    uow = FakeNewsletterUnitOfWork()
    store = uow.erasure
    kept_spring = store.deliver(KEPT, SPRING)
    clash = store.deliver(BEA, SPRING)
    moves = store.deliver(BEA, AUTUMN)
    clash_open, moved_open = store.track(clash), store.track(moves)

    await settle_removed_people(uow, [tombstone(BEA, merged_into=KEPT)])

    assert store.deliveries[moves].contact_id == KEPT
    assert store.tracking[moved_open] == moves  # the kept person's history now
    assert store.deliveries[clash].contact_id is None  # one delivery per campaign and person
    assert store.tracking[clash_open] not in store.deliveries
    assert store.deliveries[kept_spring].contact_id == KEPT


async def test_a_merge_into_a_record_the_replica_holds_erased_is_an_erasure() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.erasure.erased.add(KEPT)
    sent = uow.erasure.deliver(BEA, AUTUMN)

    await settle_removed_people(uow, [tombstone(BEA, merged_into=KEPT)])

    assert uow.erasure.deliveries[sent].contact_id is None


async def test_a_batch_without_tombstones_touches_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    sent = uow.erasure.deliver(ANNA, SPRING)
    snapshot = new_event(source="/tests", data=None, event_type="other", subject=str(ANNA))

    await settle_removed_people(uow, [snapshot])

    assert uow.erasure.deliveries[sent].contact_id == ANNA
    assert uow.commits == 0
