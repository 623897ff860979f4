"""Erasure: when the replica learns a person is erased, surveys forget the link to them.

Runs in the replica's own transaction, right after the upsert; doing it twice changes
nothing (the second time no row names the person any more).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.audit import StaffActionV1
from shared.events.contacts import CONTACT_ERASED
from shared.events.envelope import CloudEvent, new_event
from shared.events.topics import STAFF_AUDIT
from shared.outbox import add_to_outbox
from surveys.persistence import invitations, responses
from surveys.persistence.tables import outbox
from surveys.service import SOURCE


def erased_ids(events: Sequence[CloudEvent]) -> list[uuid.UUID]:
    return [
        uuid.UUID(e.subject)
        for e in events
        if e.data is None and e.type == CONTACT_ERASED and e.subject is not None
    ]


async def forget_erased(conn: AsyncConnection, contact_ids: list[uuid.UUID]) -> int:
    """Identified responses of these people become anonymous; their invitations lose them.
    Says so in an audit entry (without the id, which is gone). Returns responses changed."""
    if not contact_ids:
        return 0
    changed = await responses.anonymise_people(conn, contact_ids)
    forgotten = await invitations.forget_people(conn, contact_ids)
    if changed or forgotten:
        entry = StaffActionV1(
            service="surveys",
            actor_id=None,
            action="contact.erased.anonymised",
            target_type="survey_response",
            occurred_at=datetime.now(UTC),
            details={"responses": changed, "invitations": forgotten},
        )
        await add_to_outbox(
            conn,
            outbox,
            service="surveys",
            messages=[(STAFF_AUDIT.name, None, new_event(source=SOURCE, data=entry))],
        )
    return changed
