"""In-memory fake of retention's repository over the fake campaigns, invitations and public-link
slots (drafts by campaign are its own: the fake response repository does not keep them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from surveys.retention.domain import Expired

if TYPE_CHECKING:
    from tests.unit.fakes.surveys import (
        FakeCampaignRepository,
        FakeInvitationRepository,
        FakeOpenSlotRepository,
    )


@dataclass
class FakeRetentionRepository:
    campaigns: FakeCampaignRepository
    invitations: FakeInvitationRepository
    open_slots: FakeOpenSlotRepository
    drafts: dict[bytes, uuid.UUID] = field(default_factory=dict)  # key -> campaign id
    kept: dict[uuid.UUID, dict[str, int]] = field(default_factory=dict)  # campaign -> tallies

    def _expired(self, closed_before: datetime) -> set[uuid.UUID]:
        return {c.id for c in self.campaigns.rows.values() if c.closes_at < closed_before}

    async def expired(self, closed_before: datetime) -> Expired:
        gone = self._expired(closed_before)
        return Expired(
            [i.id for i in self.invitations.rows.values() if i.campaign_id in gone],
            sum(c in gone for c in self.drafts.values()),
            [k for k, (c, _) in self.open_slots.rows.items() if c in gone],
        )

    async def retire(self, closed_before: datetime) -> Expired:
        found = await self.expired(closed_before)
        for invitation_id in found.invitation_ids:
            invitation = self.invitations.rows.pop(invitation_id)
            kept = self.kept.setdefault(invitation.campaign_id, {"invited": 0, "answered": 0})
            kept["invited"] += 1
            kept["answered"] += invitation.answered
        gone = self._expired(closed_before)
        self.drafts = {k: c for k, c in self.drafts.items() if c not in gone}
        for key in found.open_respondent_hashes:
            del self.open_slots.rows[key]
            self.open_slots.answered.discard(key)
        return found
