"""Surveys following erasures and merges (`erasure.service.settle_removed_people`) on the
in-memory unit of work: erased people's responses, invitations and assessment takers lose
them, with one audit entry; a merged record hands its campaigns to the kept person by the
rule of `erasure.domain`, audited with the counts; nothing is audited when nothing changed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from surveys.erasure.service import settle_removed_people

from shared.events.audit import StaffActionV1
from shared.events.contacts import CONTACT_ERASED
from shared.events.envelope import CloudEvent, new_event
from shared.events.topics import STAFF_AUDIT
from tests.unit.fakes.surveys import FakeSurveysUnitOfWork

ANNA, BEA, KEPT = uuid.UUID(int=0xA1), uuid.UUID(int=0xB1), uuid.UUID(int=0xC1)
SPRING, AUTUMN, WINTER = uuid.UUID(int=0x51), uuid.UUID(int=0x52), uuid.UUID(int=0x53)


def tombstone(contact_id: uuid.UUID, merged_into: uuid.UUID | None = None) -> CloudEvent:
    return new_event(
        source="/tests",
        data=None,
        event_type=CONTACT_ERASED,
        subject=str(contact_id),
        version=3,
        merged_into=str(merged_into) if merged_into else None,
    )


def audited(uow: FakeSurveysUnitOfWork) -> list[tuple[str, dict[str, Any]]]:
    entries = [e.parse(StaffActionV1) for t, _, e in uow.published if t == STAFF_AUDIT.name]
    assert all(e.actor_id is None and e.service == "surveys" for e in entries)
    return [(e.action, e.details) for e in entries]


async def test_an_erased_person_is_forgotten_everywhere_and_it_is_audited() -> None:
    uow = FakeSurveysUnitOfWork()
    store = uow.erasure
    answered = store.invite(ANNA, SPRING, answered=True)
    open_one = store.invite(ANNA, AUTUMN)
    others = store.invite(BEA, SPRING, answered=True)
    taker = uuid.uuid4()
    store.takers[taker] = ANNA

    await settle_removed_people(uow, [tombstone(ANNA)])

    assert store.invitations[answered].contact_id is None
    assert store.invitations[answered].answered  # the counts stay true
    assert store.invitations[open_one].contact_id is None
    assert store.invitations[others].contact_id == BEA
    assert {r.contact_id for r in store.responses.values()} == {None, BEA}
    assert store.takers[taker] is None
    assert audited(uow) == [
        (
            "contact.erased.anonymised",
            {"responses": 1, "invitations": 2, "assessment_takers": 1},
        )
    ]
    assert str(ANNA) not in str(uow.published[0][2].data)  # the id is gone from the entry


async def test_a_second_delivery_changes_nothing_and_audits_nothing() -> None:
    uow = FakeSurveysUnitOfWork()
    uow.erasure.invite(ANNA, SPRING, answered=True)
    await settle_removed_people(uow, [tombstone(ANNA)])

    await settle_removed_people(uow, [tombstone(ANNA)])

    assert len(audited(uow)) == 1


async def test_a_merge_hands_campaigns_to_the_kept_person_by_the_settlement_rule() -> None:
    uow = FakeSurveysUnitOfWork()
    store = uow.erasure
    only_theirs = store.invite(BEA, SPRING, answered=True)  # moves with its response
    kept_answered = store.invite(KEPT, AUTUMN, answered=True)
    theirs_too = store.invite(BEA, AUTUMN, answered=True)  # detached, response anonymised
    kept_waiting = store.invite(KEPT, WINTER)
    theirs_answered = store.invite(BEA, WINTER, answered=True)  # moves; kept one detached

    await settle_removed_people(uow, [tombstone(BEA, merged_into=KEPT)])

    assert store.invitations[only_theirs].contact_id == KEPT
    assert store.response_of(SPRING).contact_id == KEPT
    assert store.invitations[kept_answered].contact_id == KEPT
    assert store.invitations[theirs_too].contact_id is None
    assert {r.contact_id for r in store.responses.values() if r.campaign_id == AUTUMN} == {
        KEPT,
        None,
    }
    assert store.invitations[theirs_answered].contact_id == KEPT
    assert store.invitations[kept_waiting].contact_id is None
    assert store.response_of(WINTER).contact_id == KEPT
    assert audited(uow) == [
        (
            "contact.merged.repointed",
            {"invitations_moved": 2, "responses_moved": 2, "detached": 2, "anonymised": 1},
        )
    ]


async def test_a_merge_into_a_record_the_replica_holds_erased_is_an_erasure() -> None:
    uow = FakeSurveysUnitOfWork()
    uow.erasure.erased.add(KEPT)
    invitation = uow.erasure.invite(BEA, SPRING, answered=True)

    await settle_removed_people(uow, [tombstone(BEA, merged_into=KEPT)])

    assert uow.erasure.invitations[invitation].contact_id is None
    assert [action for action, _ in audited(uow)] == ["contact.erased.anonymised"]


async def test_removing_someone_with_no_survey_history_audits_nothing() -> None:
    uow = FakeSurveysUnitOfWork()
    uow.erasure.invite(ANNA, SPRING)

    await settle_removed_people(uow, [tombstone(BEA), tombstone(KEPT, merged_into=ANNA)])

    assert audited(uow) == []
    assert uow.erasure.invitations and all(
        i.contact_id == ANNA for i in uow.erasure.invitations.values()
    )


async def test_a_failing_step_publishes_nothing_not_even_the_earlier_audit() -> None:
    uow = FakeSurveysUnitOfWork()
    uow.erasure.invite(ANNA, SPRING, answered=True)
    uow.erasure.invite(BEA, SPRING, answered=True)

    async def broken(contact_id: uuid.UUID) -> dict[uuid.UUID, Any]:
        raise RuntimeError("database gone")

    uow.erasure.held_by = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await settle_removed_people(uow, [tombstone(ANNA), tombstone(BEA, merged_into=KEPT)])
    assert uow.published == []  # the erasure's audit entry was queued, never committed
