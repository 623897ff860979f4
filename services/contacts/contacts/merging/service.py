"""Merging duplicate people: one record keeps everything, the other goes like an erasure.

The removed record's tombstone makes every replica drop it and names the kept record
(`ce_mergedinto`), so newsletter and surveys re-point the history they keep instead of
anonymising it; the `merged` activity on contacts.events.v1 is for timelines. The removed
address is written to the audit log only.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.assessments import service as assessments
from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import NotFound
from contacts.memberships import repository as memberships
from contacts.merging import repository as merging
from contacts.merging.domain import merged_person, more_advanced
from contacts.people import repository as people
from contacts.people.domain.person import Person
from contacts.snapshots import publish_erasure, publish_snapshot, record_activity
from contacts.unit_of_work import unit_of_work


async def possible_duplicates(engine: AsyncEngine) -> list[dict[str, Any]]:
    """Pairs that look alike, each with both people, for the staff list."""
    async with engine.connect() as conn:
        pairs = await merging.possible_duplicates(conn)
        found = []
        for pair in pairs:
            a = await people.get(conn, pair["a"])  # type: ignore[arg-type]
            b = await people.get(conn, pair["b"])  # type: ignore[arg-type]
            if a and b:
                found.append({"reason": pair["reason"], "a": a, "b": b})
    return found


async def merge_people(
    engine: AsyncEngine,
    *,
    keep_id: uuid.UUID,
    merge_id: uuid.UUID,
    from_other: Collection[str] = (),
    actor: Actor | None,
) -> Person:
    """Merge `merge_id` into `keep_id`; `from_other` names the fields whose value wins from
    the removed record (see `contacts.merging.domain.CHOICES`)."""
    async with unit_of_work(engine) as uow:
        conn = uow.conn
        # Lock in id order so two merges of the same pair cannot deadlock.
        locked = {
            pid: await people.get(conn, pid, for_update=True) for pid in sorted((keep_id, merge_id))
        }
        keep, other = locked[keep_id], locked[merge_id]
        if keep is None or other is None:
            raise NotFound("No such person.")
        person = merged_person(keep, other, from_other=from_other)
        kept_membership = await memberships.get(conn, keep_id, for_update=True)
        other_membership = await memberships.get(conn, merge_id, for_update=True)
        if more_advanced(
            kept_membership.state if kept_membership else None,
            other_membership.state if other_membership else None,
        ):
            await merging.take_row(conn, "memberships", source=merge_id, target=keep_id)
        if not await merging.has_row(conn, "onboarding", keep_id):
            await merging.take_row(conn, "onboarding", source=merge_id, target=keep_id)
        await merging.repoint_history(conn, source=merge_id, target=keep_id)
        person = replace(person, weak_areas=await assessments.latest_weak_areas(conn, keep_id))
        # The removed record goes first: the kept one may take over its address.
        await people.remove(conn, merge_id)
        await publish_erasure(uow, other, merged_into=keep_id)
        await people.save(conn, person)
        await publish_snapshot(uow, person)
        await record_activity(
            uow, keep_id, "merged", {"merged_from": str(merge_id), "merged_into": str(keep_id)}
        )
        await audit(
            conn,
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
