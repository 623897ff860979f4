"""Merging duplicate people: one record keeps everything, the other goes like an erasure.

The removed record's tombstone makes every replica drop it and names the kept record
(`ce_mergedinto`), so newsletter and surveys re-point the history they keep instead of
anonymising it; the `merged` activity on contacts.events.v1 is for timelines. The removed
address is written to the audit log only. The use cases take contacts' unit of work
(`uow.merging` moves the rows other features hold about the person).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from contacts.assessments import service as assessments
from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.merging.domain import merged_person, more_advanced
from contacts.people.domain.person import Person
from contacts.unit_of_work import ContactsUnitOfWork


async def possible_duplicates(uow: ContactsUnitOfWork) -> list[dict[str, Any]]:
    """Pairs that look alike, each with both people, for the staff list."""
    async with uow:
        found = []
        for pair in await uow.merging.possible_duplicates():
            a = await uow.people.get(pair["a"])  # type: ignore[arg-type]
            b = await uow.people.get(pair["b"])  # type: ignore[arg-type]
            if a and b:
                found.append({"reason": pair["reason"], "a": a, "b": b})
    return found


async def merge_people(
    uow: ContactsUnitOfWork,
    *,
    keep_id: uuid.UUID,
    merge_id: uuid.UUID,
    from_other: Collection[str] = (),
    actor: Actor | None,
) -> Person:
    """Merge `merge_id` into `keep_id`; `from_other` names the fields whose value wins from
    the removed record (see `contacts.merging.domain.CHOICES`)."""
    async with uow:
        # Lock in id order so two merges of the same pair cannot deadlock.
        locked = {
            pid: await uow.people.get(pid, for_update=True) for pid in sorted((keep_id, merge_id))
        }
        keep, other = locked[keep_id], locked[merge_id]
        if keep is None or other is None:
            raise NotFound("No such person.")
        person = merged_person(keep, other, from_other=from_other)
        kept_membership = await uow.memberships.get(keep_id, for_update=True)
        other_membership = await uow.memberships.get(merge_id, for_update=True)
        if more_advanced(
            kept_membership.state if kept_membership else None,
            other_membership.state if other_membership else None,
        ):
            await uow.merging.take_row("memberships", source=merge_id, target=keep_id)
        if not await uow.merging.has_row("onboarding", keep_id):
            await uow.merging.take_row("onboarding", source=merge_id, target=keep_id)
        await uow.merging.repoint_history(source=merge_id, target=keep_id)
        person = replace(person, weak_areas=await assessments.latest_weak_areas(uow, keep_id))
        # The removed record goes first: the kept one may take over its address.
        await uow.people.remove(merge_id)
        await uow.events.publish_erasure(other, merged_into=keep_id)
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        await uow.events.record_activity(
            keep_id, "merged", {"merged_from": str(merge_id), "merged_into": str(keep_id)}
        )
        await uow.audit.record(
            actor,
            "person.merged",
            target_type="person",
            target_id=str(keep_id),
            details={
                "merged_id": str(merge_id),
                "from_other": sorted(from_other),
            },
        )
        await uow.commit()
    return person
