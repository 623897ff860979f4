"""Staff decisions on network membership."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.service import Actor, audit
from contacts.errors import NotFound
from contacts.memberships import repository as memberships
from contacts.memberships.domain import Membership
from contacts.onboarding.service.onboarding import invite_new_member
from contacts.people import repository as people
from contacts.snapshots import publish_snapshot, record_activity
from contacts.unit_of_work import unit_of_work


async def change_membership(
    engine: AsyncEngine,
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
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        held = await memberships.get(uow.conn, person_id, for_update=True)
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
                by=actor.id if actor else None,
            )
        await memberships.put(uow.conn, membership)
        person = person.changed()
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        if action == "approve" and membership.state == "active":
            await invite_new_member(uow, person, at=at)
        await record_activity(
            uow,
            person_id,
            "membership_changed",
            {"action": action, "state": membership.state, "reason": membership.reason},
            at=at,
        )
        await audit(
            uow.conn,
            actor,
            f"membership.{action}",
            target_type="person",
            target_id=str(person_id),
            details={"state": membership.state},
        )
        await uow.commit()
    return membership
