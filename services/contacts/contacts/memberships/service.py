"""Staff decisions on network membership."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.memberships.domain import Membership, transition
from contacts.unit_of_work import ContactsUnitOfWork


async def change_membership(
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    *,
    action: str,
    actor: Actor | None,
    reason: str = "",
    ecosystem_role: str | None = None,
    at: datetime | None = None,
) -> Membership:
    """approve, decline, pause, resume, leave, or apply (staff applying for the person)."""
    at = at or datetime.now(UTC)
    by = actor.id if actor else None
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        held = await uow.memberships.get(person_id, for_update=True)
        if held is None and action == "apply":
            membership = Membership.application(person_id, at=at, ecosystem_role=ecosystem_role)
        elif held is None:
            raise NotFound("This person has no membership.", field="membership")
        else:
            membership = held.apply(
                action,
                at=at,
                reason=reason,
                ecosystem_role=ecosystem_role,
                by=by,
            )
        await uow.memberships.put(membership)
        step = transition(held, membership, action=action, at=at, by=by)
        await uow.memberships.record(step)
        person = person.changed()
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        if action == "approve" and membership.state == "active":
            await uow.group.invite_new_member(person, at=at)
        await uow.events.record_activity(
            person_id,
            "membership_changed",
            {
                "action": action,
                "from": step.from_state,
                "state": membership.state,
                "reason": membership.reason,
            },
            at=at,
        )
        await uow.audit.record(
            actor,
            f"membership.{action}",
            target_type="person",
            target_id=str(person_id),
            details={"from": step.from_state, "state": membership.state, "reason": step.reason},
        )
        await uow.commit()
    return membership
