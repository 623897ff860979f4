"""Merges across services: the tombstone names the kept record; surveys' hand-over rule."""

from __future__ import annotations

import uuid

import pytest
from surveys.erasure.domain import Holding, Settlement, settle

from shared.events.contacts import CONTACT_ERASED
from shared.events.envelope import MERGED_INTO_HEADER, CloudEvent, new_event
from shared.tombstones import Removal, removals


def tombstone(contact_id: uuid.UUID, merged_into: uuid.UUID | None = None) -> CloudEvent:
    return new_event(
        source="/tests",
        data=None,
        event_type=CONTACT_ERASED,
        subject=str(contact_id),
        version=3,
        merged_into=str(merged_into) if merged_into else None,
    )


def test_a_merge_tombstone_carries_the_kept_id_through_kafka_headers() -> None:
    removed, kept = uuid.uuid4(), uuid.uuid4()
    headers = tombstone(removed, kept).to_headers()
    assert (MERGED_INTO_HEADER, str(kept).encode()) in headers
    parsed = CloudEvent.from_kafka(headers, None)
    assert parsed.data is None and parsed.mergedinto == str(kept)
    assert removals([parsed]) == [Removal(removed, kept)]


def test_an_erasure_tombstone_has_no_merge_header_and_reads_as_an_erasure() -> None:
    erased = uuid.uuid4()
    headers = tombstone(erased).to_headers()
    assert all(name != MERGED_INTO_HEADER for name, _ in headers)
    assert removals([CloudEvent.from_kafka(headers, None)]) == [Removal(erased, None)]


def test_snapshots_are_not_removals() -> None:
    snapshot = CloudEvent.from_kafka(tombstone(uuid.uuid4()).to_headers(), b'{"x": 1}')
    assert removals([snapshot]) == []


MOVE_ALL = Settlement(move_invitation=True, move_response=True, detach_kept_invitation=False)


@pytest.mark.parametrize(
    ("kept", "removed", "expected"),
    [
        # Only the removed record was in the campaign: everything moves.
        (None, Holding(invited=True, answered=True), MOVE_ALL),
        (Holding(invited=False, answered=False), Holding(invited=True, answered=False), MOVE_ALL),
        # The kept record answered: its answer stays the identified one.
        (
            Holding(invited=True, answered=True),
            Holding(invited=True, answered=True),
            Settlement(move_invitation=False, move_response=False, detach_kept_invitation=False),
        ),
        # Only the removed record answered: its invitation and answer move, the kept
        # record's unanswered invitation gives way (no reminders after answering).
        (
            Holding(invited=True, answered=False),
            Holding(invited=True, answered=True),
            Settlement(move_invitation=True, move_response=True, detach_kept_invitation=True),
        ),
        # Neither answered: the kept record's invitation stays.
        (
            Holding(invited=True, answered=False),
            Holding(invited=True, answered=False),
            Settlement(move_invitation=False, move_response=True, detach_kept_invitation=False),
        ),
        # An answer without an invitation (purged by retention) never detaches one.
        (
            Holding(invited=True, answered=False),
            Holding(invited=False, answered=True),
            Settlement(move_invitation=True, move_response=True, detach_kept_invitation=False),
        ),
    ],
)
def test_one_identified_answer_and_one_invitation_per_person_and_campaign_survive(
    kept: Holding | None, removed: Holding, expected: Settlement
) -> None:
    assert settle(kept, removed) == expected
