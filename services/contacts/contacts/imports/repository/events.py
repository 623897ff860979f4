"""The snapshot events of an import chunk, built straight as outbox rows.

`new_event` validates each envelope again and `add_to_outbox` turns it into headers and bytes
through Python's json: with thousands of snapshots a chunk that was most of the import's Python
time. Here the snapshot is a tuple of values read from our own database
(`imports.domain.snapshots`), its payload written by one JSON encoder call, and the headers
come from a template. The row holds the headers and the payload JSON that `new_event` and
`add_to_outbox` give; only the payload's formatting may differ (non-ASCII is not escaped),
never what it parses to (tests/unit/test_contacts_import_events.py compares them).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from contacts.imports.domain.snapshots import Snapshot, payload
from contacts.imports.repository.batches import OutboxRow
from contacts.snapshots import SOURCE
from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import CONTENT_TYPE, SPEC_VERSION, VERSION_HEADER
from shared.events.topics import CONTACT_SNAPSHOTS

# The fixed headers, in `CloudEvent.to_headers` order, JSON-escaped once.
_SOURCE = f'["ce_source",{json.dumps(SOURCE)}]'
_TYPE = f'["ce_type",{json.dumps(ContactSnapshotV1.event_type)}]'
_SPEC = f'["ce_specversion",{json.dumps(SPEC_VERSION)}]'
_CONTENT = f'["content-type",{json.dumps(CONTENT_TYPE)}]'


def snapshot_outbox_rows(
    snapshots: Sequence[Snapshot], *, correlation_id: str | None
) -> list[OutboxRow]:
    """One outbox row per snapshot, as `snapshots.publish_snapshot` would queue it."""
    topic = CONTACT_SNAPSHOTS.name
    correlation = (
        "" if correlation_id is None else f',["ce_correlationid",{json.dumps(correlation_id)}]'
    )
    # The events of a chunk are built within milliseconds: one time for all of them.
    middle = f'{_SOURCE},{_TYPE},{_SPEC},["ce_time","{datetime.now(UTC).isoformat()}"],{_CONTENT}'
    rows: list[OutboxRow] = []
    for snapshot in snapshots:
        event_id = uuid.uuid4()
        key = str(snapshot[0])
        # A uuid, an ISO time and an int need no escaping.
        headers = (
            f'[["ce_id","{event_id}"],{middle},["ce_subject","{key}"]{correlation},'
            f'["{VERSION_HEADER}","{snapshot[1]}"]]'
        )
        rows.append((event_id, topic, key, headers, payload(snapshot)))
    return rows
