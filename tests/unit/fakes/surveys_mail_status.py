"""In-memory fake of the invitations' mail status, over the fake invitations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.unit.fakes.surveys import FakeInvitationRepository


@dataclass
class FakeMailStatusRepository:
    invitations: FakeInvitationRepository
    at: dict[uuid.UUID, datetime] = field(default_factory=dict)  # when each status was set

    async def set(self, invitation_id: uuid.UUID, status: str, at: datetime) -> bool:
        invitation = self.invitations.rows.get(invitation_id)
        if invitation is None or self.at.get(invitation_id, at) > at:
            return False
        invitation.mail_status = status
        self.at[invitation_id] = at
        return True
