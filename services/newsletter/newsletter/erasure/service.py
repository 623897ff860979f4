"""Erasure and merges: when the replica learns a person record is gone, newsletter follows.

Runs in the replica's own transaction, right after the upsert (shared/replica.py
`after_apply`); a redelivered tombstone finds nothing left to change. An erased person's
deliveries are anonymised and their tracking unlinked; a record merged into another (the
tombstone names the kept id) hands its deliveries, and so their opens and clicks, to the
kept person (docs/decisions/0005). Suppression entries stay either way: they are HMACs of
addresses, not of people, and an erased complainer re-imported later must still not be mailed.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.erasure import repository as erasure
from newsletter.tables import contact_snapshot
from shared.events.envelope import CloudEvent
from shared.tombstones import removals, settle_targets


async def settle_removed_people(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    erase, repoint = await settle_targets(conn, contact_snapshot, removals(events))
    changed = await erasure.anonymise_deliveries(conn, erase)
    for source, target in repoint:
        _, clashing = await erasure.repoint_deliveries(conn, source=source, target=target)
        changed.extend(clashing)
    await erasure.unlink_tracking(conn, changed)
