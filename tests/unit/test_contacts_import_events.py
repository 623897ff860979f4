"""An import's outbox rows carry the events `new_event` would build, without re-validation."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from contacts.imports.domain.snapshots import (
    PERSON_COLUMNS,
    Snapshot,
    projection_record,
    snapshot_values,
)
from contacts.imports.repository.batches import SNAPSHOT_COLUMNS, OutboxRow
from contacts.imports.repository.events import snapshot_outbox_rows
from contacts.people.domain.person import Person
from contacts.snapshots import SOURCE, snapshot_of

from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import CloudEvent, new_event
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.snapshot import snapshot_row

UNSTABLE = {"ce_id", "ce_time"}  # a fresh id and the moment of building, in both paths


def imported(name: str) -> Person:
    return Person(
        id=uuid.uuid4(),
        email=f"{name.lower()}@example.fi",
        first_name=name,
        last_name="Äijälä",  # non-ASCII: the payload's escaping must not change
        version=3,
        municipality="091",
        topics=("webinaarit", "koulutukset"),
        subscription_state="subscribed",
        confirmed_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        newsletter_consent=True,
        survey_consent=True,
    )


def fast(person: Person) -> Snapshot:
    """The import's snapshot of a person as its upsert returns them."""
    row = tuple(getattr(person, c) for c in PERSON_COLUMNS)
    return snapshot_values(row, None, lambda code: {"091": "01"}[code])


def as_event(row: OutboxRow) -> CloudEvent:
    """The event the relay would publish from an outbox row (shared/outbox/relay.py)."""
    _, _, _, headers, payload = row
    return CloudEvent.from_kafka([(k, v.encode()) for k, v in json.loads(headers)], payload)


def test_snapshot_outbox_rows_hold_the_headers_and_payload_new_event_gives() -> None:
    people = [imported(n) for n in ("Anna", "Bertil")]
    snapshots = [snapshot_of(p) for p in people]
    rows = snapshot_outbox_rows([fast(p) for p in people], correlation_id='corr "1"')
    assert [(topic, key) for _, topic, key, _, _ in rows] == [
        (CONTACT_SNAPSHOTS.name, str(s.contact_id)) for s in snapshots
    ]
    for snapshot, row in zip(snapshots, rows, strict=True):
        expected = new_event(
            source=SOURCE,
            data=snapshot,
            subject=str(snapshot.contact_id),
            version=snapshot.version,
            correlation_id='corr "1"',
        )
        event = as_event(row)
        assert row[0] == event.id
        # The same JSON value; only its formatting may differ (non-ASCII left unescaped).
        assert json.loads(row[4]) == json.loads(expected.value_bytes() or b"")
        headers = event.to_headers()
        stable = [(k, v) for k, v in headers if k not in UNSTABLE]
        assert stable == [(k, v) for k, v in expected.to_headers() if k not in UNSTABLE]
        assert [k for k, _ in headers] == [k for k, _ in expected.to_headers()]
        assert abs(event.time - expected.time) < timedelta(minutes=1)


def test_a_snapshot_outbox_row_reads_back_as_the_snapshot_it_carries() -> None:
    person = imported("Carl")
    snapshot = snapshot_of(person)
    (row,) = snapshot_outbox_rows([fast(person)], correlation_id=None)
    event = as_event(row)
    assert event.version == 3 and event.subject == str(snapshot.contact_id)
    assert event.parse(ContactSnapshotV1) == snapshot
    assert all(k != "ce_correlationid" for k, _ in event.to_headers())


def test_a_projection_record_holds_what_snapshot_row_gives() -> None:
    person = imported("Dora")
    row = snapshot_row(snapshot_of(person))
    assert projection_record(fast(person)) == tuple(row.get(c) for c in SNAPSHOT_COLUMNS)
    assert set(SNAPSHOT_COLUMNS) <= set(row) and "updated_at" not in SNAPSHOT_COLUMNS
