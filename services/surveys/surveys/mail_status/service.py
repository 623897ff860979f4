"""Marking invitations delivered or bounced from the mail pipeline's outcomes."""

from __future__ import annotations

import uuid

from shared.events.mail import MailEventV1
from surveys.unit_of_work import SurveysUnitOfWork

# Only final outcomes matter here: a soft bounce is retried by the mail pipeline, and opens
# or clicks say nothing about whether the invitation arrived.
STATUS_OF_OUTCOME = {"sent": "delivered", "bounced_hard": "bounced", "complained": "complained"}


async def record_mail_outcome(uow: SurveysUnitOfWork, *, event: MailEventV1) -> bool:
    """True when an invitation changed. Mail of other origins is not ours: ignored."""
    status = STATUS_OF_OUTCOME.get(event.outcome)
    if event.origin != "survey_invitation" or status is None or not event.origin_id:
        return False
    try:
        invitation_id = uuid.UUID(event.origin_id)
    except ValueError:
        return False  # not an id we ever wrote: nothing to mark
    async with uow:
        changed = await uow.mail_status.set(invitation_id, status, event.occurred_at)
        await uow.commit()
    return changed
