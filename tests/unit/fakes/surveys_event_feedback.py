"""In-memory fake of event feedback's repository: events' campaigns and counts, the replica's
word on people, and one invitation per registration (in the fake invitations)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from surveys.event_feedback.domain import Known, Recipient
from surveys.event_feedback.repository import FeedbackCounts
from surveys.invitations.domain import Invitee

if TYPE_CHECKING:
    from tests.unit.fakes.surveys import FakeInvitationRepository


@dataclass
class FakeEventFeedbackRepository:
    invitations: FakeInvitationRepository
    events: dict[uuid.UUID, FeedbackCounts] = field(default_factory=dict)
    known: list[Known] = field(default_factory=list)  # the contact replica
    bounced: set[str] = field(default_factory=set)  # addresses whose invitation bounced
    registrations: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # -> invitation

    async def feedback_of_event(
        self, event_id: uuid.UUID, *, for_update: bool = False
    ) -> FeedbackCounts | None:
        return self.events.get(event_id)

    async def add_feedback(
        self, *, event_id: uuid.UUID, campaign_id: uuid.UUID, survey_id: uuid.UUID
    ) -> bool:
        if event_id in self.events:
            return False
        self.events[event_id] = FeedbackCounts(event_id, survey_id, campaign_id, 1, 0, 0)
        return True

    async def count(
        self, *, event_id: uuid.UUID, invited: int = 0, answered: int = 0
    ) -> FeedbackCounts:
        now = self.events[event_id]
        self.events[event_id] = replace(
            now,
            version=now.version + 1,
            invited=now.invited + invited,
            answered=now.answered + answered,
        )
        return self.events[event_id]

    async def known_by_id(self, contact_id: uuid.UUID) -> Known | None:
        return next((k for k in self.known if k.contact_id == contact_id), None)

    async def known_by_email(self, email: str) -> Known | None:
        address = email.strip().lower()
        return next(
            (k for k in self.known if (k.email or "").lower() == address and not k.erased), None
        )

    async def address_bounced(self, email: str) -> bool:
        return email in self.bounced

    async def invite(
        self,
        *,
        campaign_id: uuid.UUID,
        registration_id: uuid.UUID,
        recipient: Recipient,
        nonce: str,
        now: datetime,
    ) -> uuid.UUID | None:
        from tests.unit.fakes.surveys import FakeInvitation

        taken = any(
            i.campaign_id == campaign_id
            and recipient.contact_id is not None
            and i.contact_id == recipient.contact_id
            for i in self.invitations.rows.values()
        )
        if registration_id in self.registrations or taken:
            return None
        invitee = Invitee(
            id=uuid.uuid4(),
            nonce=nonce,
            contact_id=recipient.contact_id,
            email=recipient.email,
            first_name=recipient.first_name,
            last_name=recipient.last_name,
            language=recipient.language,
        )
        self.invitations.rows[invitee.id] = FakeInvitation(invitee, campaign_id, now)
        self.registrations[registration_id] = invitee.id
        return invitee.id
