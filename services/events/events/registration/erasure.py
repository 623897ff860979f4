"""Erasure and merges: when the replica learns a person record is gone, registrations follow.

Runs in the replica's own transaction, right after the upsert; doing it twice changes
nothing. An erased person's registrations keep only their state and times (counts stay
true) and lose name, address, organisation and needs; a merged record's registrations move
to the kept person.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from events import SOURCE
from events.tables import contact_snapshot, outbox, registrations
from shared.events.audit import StaffActionV1
from shared.events.envelope import CloudEvent, new_event
from shared.events.topics import STAFF_AUDIT
from shared.outbox import add_to_outbox
from shared.tombstones import removals, settle_targets


async def settle_removed_people(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    erase, repoint = await settle_targets(conn, contact_snapshot, removals(events))
    await forget_erased(conn, erase)
    for source, target in repoint:
        await conn.execute(
            update(registrations)
            .where(registrations.c.contact_id == source)
            .values(contact_id=target)
        )


async def forget_erased(conn: AsyncConnection, contact_ids: list[uuid.UUID]) -> int:
    if not contact_ids:
        return 0
    result = await conn.execute(
        update(registrations)
        .where(registrations.c.contact_id.in_(contact_ids))
        .values(
            contact_id=None,
            name="",
            email=registrations.c.id.cast(registrations.c.email.type) + "@erased.invalid",
            organisation="",
            accessibility_needs="",
        )
    )
    changed = result.rowcount or 0
    if changed:
        entry = StaffActionV1(
            service="events",
            actor_id=None,
            action="contact.erased.anonymised",
            target_type="registrations",
            target_id="-",
            occurred_at=datetime.now(UTC),
            details={"registrations": changed},
        )
        await add_to_outbox(
            conn,
            outbox,
            service="events",
            messages=[(STAFF_AUDIT.name, None, new_event(source=SOURCE, data=entry))],
        )
    return changed
