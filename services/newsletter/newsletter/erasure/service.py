"""Erasure and merges: when the replica learns a person record is gone, newsletter follows.

Runs in the replica's own transaction, right after the upsert (shared/replica.py
`after_apply`, on newsletter's unit of work joined to it: `erasure.handlers`); a redelivered
tombstone finds nothing left to change. An erased person's deliveries are anonymised and
their tracking unlinked; a record merged into another (the tombstone names the kept id)
hands its deliveries, and so their opens and clicks, to the kept person
(docs/decisions/0005). Suppression entries stay either way: they are HMACs of addresses, not
of people, and an erased complainer re-imported later must still not be mailed.
"""

from __future__ import annotations

from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.events.envelope import CloudEvent
from shared.tombstones import kept_ids, removals, settle_targets


async def settle_removed_people(uow: NewsletterUnitOfWork, events: list[CloudEvent]) -> None:
    """The tombstones among `events`: erased people's deliveries anonymised, merged ones'
    handed to the kept person, and the tracking of every delivery changed unlinked.
    The edge has entered `uow` (joined to the replica batch's transaction); this commits."""
    found = removals(events)
    if not found:
        return
    erase, repoint = settle_targets(found, await uow.erasure.erased_among(kept_ids(found)))
    changed = await uow.erasure.anonymise_deliveries(erase)
    for source, target in repoint:
        _, clashing = await uow.erasure.repoint_deliveries(source=source, target=target)
        changed.extend(clashing)
    await uow.erasure.unlink_tracking(changed)
    await uow.commit()
