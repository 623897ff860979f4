"""Erasure and merges: when the replica learns a person record is gone, surveys follow.

Runs in the replica's own transaction, right after the upsert; doing it twice changes
nothing (the second time no row names the removed record any more). An erased person's
responses become anonymous and their invitations lose them; a record merged into another
(the tombstone names the kept id) hands them to the kept person by the rule of
`surveys.erasure.domain` (docs/decisions/0005).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.audit import StaffActionV1
from shared.events.envelope import CloudEvent, new_event
from shared.events.topics import STAFF_AUDIT
from shared.outbox import add_to_outbox
from shared.tombstones import removals, settle_targets
from surveys import SOURCE
from surveys.assessment import repository as assessments
from surveys.erasure import repository as merging
from surveys.erasure.domain import Holding, settle
from surveys.invitations import repository as invitations
from surveys.responding import repository as responses
from surveys.tables import contact_snapshot, outbox


def erased_ids(events: Sequence[CloudEvent]) -> list[uuid.UUID]:
    """Tombstones of erasures proper (a merge's tombstone names the kept record)."""
    return [r.contact_id for r in removals(events) if r.kept_id is None]


async def settle_removed_people(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    erase, repoint = await settle_targets(conn, contact_snapshot, removals(events))
    await forget_erased(conn, erase)
    for source, target in repoint:
        await hand_over(conn, source=source, target=target)


async def forget_erased(conn: AsyncConnection, contact_ids: list[uuid.UUID]) -> int:
    """Identified responses of these people become anonymous; their invitations lose them.
    Says so in an audit entry (without the id, which is gone). Returns responses changed."""
    if not contact_ids:
        return 0
    changed = await responses.anonymise_people(conn, contact_ids)
    forgotten = await invitations.forget_people(conn, contact_ids)
    takers = await assessments.forget_people(conn, contact_ids)
    if changed or forgotten or takers:
        await _audit(
            conn,
            "contact.erased.anonymised",
            {"responses": changed, "invitations": forgotten, "assessment_takers": takers},
        )
    return changed


async def hand_over(conn: AsyncConnection, *, source: uuid.UUID, target: uuid.UUID) -> None:
    """A merge: `source`'s invitations and responses go to `target`, campaign by campaign."""
    removed = await merging.held_by(conn, source)
    if not removed:
        return
    kept = await merging.held_by(conn, target)
    counts = {"invitations_moved": 0, "responses_moved": 0, "detached": 0, "anonymised": 0}
    for campaign_id, theirs in removed.items():
        ours = kept.get(campaign_id)
        rule = settle(
            Holding(ours.invitation_id is not None, ours.answered) if ours else None,
            Holding(theirs.invitation_id is not None, theirs.answered),
        )
        if rule.detach_kept_invitation and ours and ours.invitation_id:
            await merging.detach_invitation(conn, ours.invitation_id)
            counts["detached"] += 1
        if theirs.invitation_id is not None:
            if rule.move_invitation:
                await merging.move_invitation(conn, theirs.invitation_id, target)
                counts["invitations_moved"] += 1
            else:
                await merging.detach_invitation(conn, theirs.invitation_id)
                counts["detached"] += 1
        if theirs.response_id is not None:
            if rule.move_response:
                await merging.move_response(conn, theirs.response_id, target)
                counts["responses_moved"] += 1
            else:
                await merging.anonymise_response(conn, theirs.response_id)
                counts["anonymised"] += 1
    await _audit(conn, "contact.merged.repointed", counts)


async def _audit(conn: AsyncConnection, action: str, details: dict[str, Any]) -> None:
    entry = StaffActionV1(
        service="surveys",
        actor_id=None,
        action=action,
        target_type="survey_response",
        occurred_at=datetime.now(UTC),
        details=details,
    )
    await add_to_outbox(
        conn,
        outbox,
        service="surveys",
        messages=[(STAFF_AUDIT.name, None, new_event(source=SOURCE, data=entry))],
    )
