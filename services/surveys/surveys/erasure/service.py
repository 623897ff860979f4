"""Erasure and merges: when the replica learns a person record is gone, surveys follow.

Runs in the replica's own transaction, right after the upsert, on surveys' unit of work
joined to it (`ConsumerUnitOfWork`, shared/replica.py `after_apply`); doing it twice changes
nothing (the second time no row names the removed record any more). An erased person's
responses become anonymous and their invitations lose them; a record merged into another
(the tombstone names the kept id) hands them to the kept person by the rule of
`surveys.erasure.domain` (docs/decisions/0005).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from shared.events.envelope import CloudEvent
from shared.tombstones import kept_ids, removals, settle_targets
from surveys.audit import audit
from surveys.erasure.domain import Holding, settle
from surveys.unit_of_work import SurveysUnitOfWork


def erased_ids(events: Sequence[CloudEvent]) -> list[uuid.UUID]:
    """Tombstones of erasures proper (a merge's tombstone names the kept record)."""
    return [r.contact_id for r in removals(events) if r.kept_id is None]


async def settle_removed_people(uow: SurveysUnitOfWork, events: list[CloudEvent]) -> None:
    """The tombstones among `events`, on `uow` joined to the replica batch's transaction
    (surveys.replica): erased people forgotten, merged records handed over, audited."""
    found = removals(events)
    if not found:
        return
    async with uow:
        erase, repoint = settle_targets(found, await uow.erasure.erased_among(kept_ids(found)))
        await forget_erased(uow, erase)
        for source, target in repoint:
            await hand_over(uow, source=source, target=target)
        await uow.commit()


async def forget_erased(uow: SurveysUnitOfWork, contact_ids: list[uuid.UUID]) -> int:
    """Identified responses of these people become anonymous; their invitations lose them.
    Says so in an audit entry (without the id, which is gone). Returns responses changed.
    A step of `settle_removed_people`: runs in its entered unit of work, which commits."""
    if not contact_ids:
        return 0
    changed = await uow.erasure.anonymise_responses(contact_ids)
    forgotten = await uow.erasure.forget_invitations(contact_ids)
    takers = await uow.erasure.forget_assessment_takers(contact_ids)
    if changed or forgotten or takers:
        _audit(
            uow,
            "contact.erased.anonymised",
            {"responses": changed, "invitations": forgotten, "assessment_takers": takers},
        )
    return changed


async def hand_over(uow: SurveysUnitOfWork, *, source: uuid.UUID, target: uuid.UUID) -> None:
    """A merge: `source`'s invitations and responses go to `target`, campaign by campaign."""
    removed = await uow.erasure.held_by(source)
    if not removed:
        return
    kept = await uow.erasure.held_by(target)
    counts = {"invitations_moved": 0, "responses_moved": 0, "detached": 0, "anonymised": 0}
    for campaign_id, theirs in removed.items():
        ours = kept.get(campaign_id)
        rule = settle(
            Holding(ours.invitation_id is not None, ours.answered) if ours else None,
            Holding(theirs.invitation_id is not None, theirs.answered),
        )
        if rule.detach_kept_invitation and ours and ours.invitation_id:
            await uow.erasure.detach_invitation(ours.invitation_id)
            counts["detached"] += 1
        if theirs.invitation_id is not None:
            if rule.move_invitation:
                await uow.erasure.move_invitation(theirs.invitation_id, target)
                counts["invitations_moved"] += 1
            else:
                await uow.erasure.detach_invitation(theirs.invitation_id)
                counts["detached"] += 1
        if theirs.response_id is not None:
            if rule.move_response:
                await uow.erasure.move_response(theirs.response_id, target)
                counts["responses_moved"] += 1
            else:
                await uow.erasure.anonymise_response(theirs.response_id)
                counts["anonymised"] += 1
    _audit(uow, "contact.merged.repointed", counts)


def _audit(uow: SurveysUnitOfWork, action: str, details: dict[str, Any]) -> None:
    """No one acted: the contacts service's erasure or merge did. No id either: it is gone."""
    audit(
        uow,
        actor_id=None,
        actor_role=None,
        action=action,
        target_type="survey_response",
        target_id="-",
        details=details,
    )
