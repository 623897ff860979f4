"""Reading the tombstones of `contacts.contact.v1`: an erasure, or a merge into another person.

A merge of duplicates deletes the removed record with a tombstone that carries the kept
record's id (CloudEvents extension `mergedinto`). One record says both "gone" and "lives on
as X", so no ordering between topics can make a replica erase history it should re-point
(docs/decisions/0005-merge-keeps-history-across-services.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.contacts import CONTACT_ERASED
from shared.events.envelope import CloudEvent


@dataclass(frozen=True)
class Removal:
    """One person record gone from contacts; `kept_id` is set when it was merged away."""

    contact_id: uuid.UUID
    kept_id: uuid.UUID | None = None


def removals(events: Sequence[CloudEvent]) -> list[Removal]:
    """The tombstones among `events`, in order (snapshots are skipped)."""
    found = []
    for e in events:
        if e.data is not None or e.type != CONTACT_ERASED or e.subject is None:
            continue
        kept = uuid.UUID(e.mergedinto) if e.mergedinto else None
        found.append(Removal(uuid.UUID(e.subject), kept))
    return found


def kept_ids(found: Sequence[Removal]) -> set[uuid.UUID]:
    """The records merges kept: `settle_targets` needs to know which the replica holds erased."""
    return {r.kept_id for r in found if r.kept_id is not None}


def settle_targets(
    found: Sequence[Removal], erased: Collection[uuid.UUID]
) -> tuple[list[uuid.UUID], list[tuple[uuid.UUID, uuid.UUID]]]:
    """(ids to erase, (removed, kept) pairs to re-point); `erased` are the kept ids
    (`kept_ids`) the replica holds as erased.

    A merge whose kept record the replica already holds as erased (erased since, or itself
    merged away on another partition) is treated as an erasure: re-pointing rows to an
    erased id would keep personal data no one can reach or erase any more.
    """
    erase: list[uuid.UUID] = []
    repoint: list[tuple[uuid.UUID, uuid.UUID]] = []
    for r in found:
        if r.kept_id is None or r.kept_id in erased or r.kept_id == r.contact_id:
            erase.append(r.contact_id)
        else:
            repoint.append((r.contact_id, r.kept_id))
    return erase, repoint


async def erased_in_replica(
    conn: AsyncConnection, replica: Table, contact_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of `contact_ids` a contact replica holds as erased (the SQL of every service's
    erasure repository)."""
    if not contact_ids:
        return set()
    stmt = select(replica.c.contact_id).where(
        replica.c.contact_id.in_(list(contact_ids)), replica.c.erased.is_(True)
    )
    return set((await conn.execute(stmt)).scalars())
