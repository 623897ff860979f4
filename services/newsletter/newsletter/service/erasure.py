"""Erasure: when the replica learns a person is erased, newsletter forgets them too.

Runs in the replica's own transaction, right after the upsert (shared/replica.py
`after_apply`); a redelivered tombstone finds nothing left to change. Suppression entries
stay: they are HMACs, and an erased complainer re-imported later must still not be mailed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.persistence import erasure
from shared.events.contacts import CONTACT_ERASED
from shared.events.envelope import CloudEvent


def erased_ids(events: Sequence[CloudEvent]) -> list[uuid.UUID]:
    return [
        uuid.UUID(e.subject)
        for e in events
        if e.data is None and e.type == CONTACT_ERASED and e.subject is not None
    ]


async def forget_erased_people(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    changed = await erasure.anonymise_deliveries(conn, erased_ids(events))
    await erasure.unlink_tracking(conn, changed)
