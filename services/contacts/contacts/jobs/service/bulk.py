"""One batch of a bulk action, inside the job runner's transaction.

Each function gets the people of one batch and returns (done, failed). Everything a batch
changes, its snapshots and its outbox rows commit together with the job's progress, so a
crash repeats at most the batch in flight, and that batch left no trace.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from contacts.audit.domain import Actor, erasure_details
from contacts.errors import DomainError
from contacts.imports.repository import people as imports
from contacts.jobs.repository import bulk_people
from contacts.jobs.repository import jobs as job_store
from contacts.memberships import repository as memberships
from contacts.memberships.domain import Membership, transition
from contacts.onboarding.service.onboarding import invite_new_member
from contacts.participation import service as participation
from contacts.people import repository as people
from contacts.people.domain.person import Person
from contacts.snapshots import (
    SOURCE,
    publish_erasure,
    publish_snapshot,
    record_activity,
    snapshot_of,
)
from contacts.tables import contact_snapshot
from contacts.tags import repository as tag_store
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.events.envelope import new_event
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.logs import correlation_id
from shared.outbox.unit_of_work import UnitOfWork
from shared.snapshot import snapshot_row, upsert_snapshots

Batch = Callable[[UnitOfWork, Sequence[uuid.UUID], dict[str, Any]], Awaitable[tuple[int, int]]]


async def publish_snapshots(uow: UnitOfWork, changed: Sequence[Person]) -> None:
    """Snapshots of many people: three reads, one executemany upsert, one outbox insert."""
    if not changed:
        return
    ids = [p.id for p in changed]
    links = await imports.current_organisations(uow.conn, ids)
    members = await imports.memberships_of(uow.conn, ids)
    states = await job_store.onboarding_states(uow.conn, ids)
    events = await participation.engagement_of(uow.conn, ids)
    snapshots = [
        snapshot_of(
            p,
            organisation=links.get(p.id),
            membership=members.get(p.id),
            onboarding_state=states.get(p.id, "not_invited"),  # type: ignore[arg-type]
            events=events.get(p.id),
        )
        for p in changed
    ]
    await upsert_snapshots(uow.conn, contact_snapshot, [snapshot_row(s) for s in snapshots])
    for s in snapshots:
        uow.publish(
            CONTACT_SNAPSHOTS.name,
            str(s.contact_id),
            new_event(
                source=SOURCE,
                data=s,
                subject=str(s.contact_id),
                version=s.version,
                correlation_id=correlation_id.get(),
            ),
        )


async def _topic(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any], *, add: bool
) -> tuple[int, int]:
    # A person who already has (or lacks) the topic is done without a new version.
    changed = await bulk_people.change_topic(uow.conn, ids, params["topic"], add=add)
    await publish_snapshots(uow, changed)
    return len(ids), 0


async def topic_add(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any]
) -> tuple[int, int]:
    return await _topic(uow, ids, params, add=True)


async def topic_remove(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any]
) -> tuple[int, int]:
    return await _topic(uow, ids, params, add=False)


async def _tag(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any], *, add: bool
) -> tuple[int, int]:
    # Tags match case-insensitively (as on the person page): adding reuses or creates the
    # stored spelling; removing a tag nobody has changes no one.
    stored = (
        await tag_store.ensure(uow.conn, params["tag"])
        if add
        else await tag_store.stored_name(uow.conn, params["tag"])
    )
    if stored is not None:
        changed = await bulk_people.change_tag(uow.conn, ids, stored, add=add)
        await publish_snapshots(uow, changed)
    return len(ids), 0


async def tag_add(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any]
) -> tuple[int, int]:
    return await _tag(uow, ids, params, add=True)


async def tag_remove(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any]
) -> tuple[int, int]:
    return await _tag(uow, ids, params, add=False)


async def membership(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any]
) -> tuple[int, int]:
    """The same transition as a staff decision on one person; a person for whom it does not
    exist (no membership, or another state) counts as failed and is left as they were."""
    at = datetime.now(UTC)
    action = params["action"]
    done = 0
    for found in await bulk_people.lock_people(uow.conn, ids):
        held = await memberships.get(uow.conn, found.id, for_update=True)
        try:
            if held is None:
                raise DomainError("no membership")
            changed: Membership = held.apply(action, at=at, by=params.get("by"))
        except DomainError:
            continue
        await memberships.put(uow.conn, changed)
        step = transition(held, changed, action=action, at=at, by=params.get("by"))
        await memberships.add_transition(uow.conn, step)
        person = found.changed()
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        if action == "approve" and changed.state == "active":
            await invite_new_member(await SqlContactsUnitOfWork.joined(uow), person, at=at)
        await record_activity(
            uow, person.id, "membership_changed", {"action": action, "state": changed.state}, at=at
        )
        done += 1
    return done, len(ids) - done  # the rest: no such transition, or erased meanwhile


async def onboarding_invite(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any]
) -> tuple[int, int]:
    """Invite to the Facebook group; a person invited before is not invited again."""
    at = datetime.now(UTC)
    found = await bulk_people.lock_people(uow.conn, ids)
    typed = await SqlContactsUnitOfWork.joined(uow)
    for person in found:
        await invite_new_member(typed, person, at=at)
    return len(found), len(ids) - len(found)


async def erase(
    uow: UnitOfWork, ids: Sequence[uuid.UUID], params: dict[str, Any]
) -> tuple[int, int]:
    """As `people.erase_person` for each: the row goes, a tombstone is published, and an
    audit entry names the staff member who started the job (ids only)."""
    found = await bulk_people.lock_people(uow.conn, ids)
    actor = Actor(id=str(params.get("by") or "unknown"), role=str(params.get("by_role") or ""))
    typed = await SqlContactsUnitOfWork.joined(uow)  # the batch's transaction, typed
    for person in found:
        await people.remove(uow.conn, person.id)
        await publish_erasure(uow, person)
        await typed.audit.record(
            actor,
            "person.erased",
            target_type="person",
            target_id=str(person.id),
            details=erasure_details(actor, "bulk action", job_id=str(params.get("job_id", ""))),
        )
    return len(found), len(ids) - len(found)


BATCHES: dict[str, Batch] = {
    "topic_add": topic_add,
    "topic_remove": topic_remove,
    "tag_add": tag_add,
    "tag_remove": tag_remove,
    "membership": membership,
    "onboarding_invite": onboarding_invite,
    "erase": erase,
}
