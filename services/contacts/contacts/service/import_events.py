"""The snapshot events of an import chunk, built the cheap way.

`new_event` validates each envelope again (its data dict re-checked field by field): with
thousands of snapshots a chunk that was most of the import's Python time. Here the snapshot is
already a validated `ContactSnapshotV1` (from `snapshot_of`), so the envelope is constructed
without a second validation; its fields, headers and payload are those `new_event` gives
(tests/unit/test_contacts_import_events.py compares them).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from contacts.snapshots import SOURCE
from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import CloudEvent
from shared.events.topics import CONTACT_SNAPSHOTS


def snapshot_events(
    snapshots: Sequence[ContactSnapshotV1], *, correlation_id: str | None
) -> list[tuple[str, str, CloudEvent]]:
    """(topic, key, event) per snapshot, as `snapshots.publish_snapshot` would queue them."""
    messages = []
    for snapshot in snapshots:
        key = str(snapshot.contact_id)
        event = CloudEvent.model_construct(
            id=uuid.uuid4(),
            source=SOURCE,
            type=ContactSnapshotV1.event_type,
            time=datetime.now(UTC),
            subject=key,
            correlationid=correlation_id,
            version=snapshot.version,
            mergedinto=None,
            data=snapshot.model_dump(mode="json"),
        )
        messages.append((CONTACT_SNAPSHOTS.name, key, event))
    return messages
