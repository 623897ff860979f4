"""Erasure and merges: when the replica learns a person record is gone, registrations follow.

Runs in the replica's own transaction, right after the upsert, on events' unit of work
joined to it (`JoinedEventsUnitOfWork`, shared/replica.py `after_apply`); doing it twice
changes nothing. An erased person's registrations keep only their state and times (counts
stay true) and lose name, address, organisation and needs, with one audit entry; a merged
record's registrations move to the kept person.
"""

from __future__ import annotations

import uuid

from events.audit import audit
from events.unit_of_work import EventsUnitOfWork
from shared.events.envelope import CloudEvent
from shared.tombstones import kept_ids, removals, settle_targets


async def settle_removed_people(uow: EventsUnitOfWork, events: list[CloudEvent]) -> None:
    found = removals(events)
    if not found:
        return
    async with uow:
        erase, repoint = settle_targets(found, await uow.erasure.erased_among(kept_ids(found)))
        await forget_erased(uow, erase)
        for source, target in repoint:
            await uow.erasure.repoint(source=source, target=target)
        await uow.commit()


async def forget_erased(uow: EventsUnitOfWork, contact_ids: list[uuid.UUID]) -> int:
    """A step of `settle_removed_people`, in its entered unit of work (which commits)."""
    changed = await uow.erasure.forget_people(contact_ids)
    if changed:
        # No one acted (contacts' erasure did) and the id is gone: it names neither.
        audit(
            uow,
            actor_id=None,
            actor_role=None,
            action="contact.erased.anonymised",
            target_type="registrations",
            target_id="-",
            details={"registrations": changed},
        )
    return changed
