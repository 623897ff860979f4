"""In-memory `ErasureRepository` of surveys: invitations and identified responses by id,
self-assessment takers, and which people the contact replica holds as erased."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from surveys.erasure.repository import Held


@dataclass
class HeldInvitation:
    campaign_id: uuid.UUID
    contact_id: uuid.UUID | None
    answered: bool = False
    region: str | None = "01"


@dataclass
class HeldResponse:
    campaign_id: uuid.UUID
    contact_id: uuid.UUID | None


@dataclass
class FakeErasure:
    invitations: dict[uuid.UUID, HeldInvitation] = field(default_factory=dict)
    responses: dict[uuid.UUID, HeldResponse] = field(default_factory=dict)
    takers: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)
    erased: set[uuid.UUID] = field(default_factory=set)

    def invite(
        self, contact_id: uuid.UUID, campaign_id: uuid.UUID, *, answered: bool = False
    ) -> uuid.UUID:
        invitation_id = uuid.uuid4()
        self.invitations[invitation_id] = HeldInvitation(campaign_id, contact_id, answered)
        if answered:
            self.responses[uuid.uuid4()] = HeldResponse(campaign_id, contact_id)
        return invitation_id

    def response_of(self, campaign_id: uuid.UUID) -> HeldResponse:
        (found,) = [r for r in self.responses.values() if r.campaign_id == campaign_id]
        return found

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return set(contact_ids) & self.erased

    async def anonymise_responses(self, contact_ids: list[uuid.UUID]) -> int:
        changed = [r for r in self.responses.values() if r.contact_id in contact_ids]
        for r in changed:
            r.contact_id = None
        return len(changed)

    async def forget_invitations(self, contact_ids: list[uuid.UUID]) -> int:
        changed = [i for i in self.invitations.values() if i.contact_id in contact_ids]
        for i in changed:
            i.contact_id, i.region = None, None
        return len(changed)

    async def forget_assessment_takers(self, contact_ids: list[uuid.UUID]) -> int:
        changed = [t for t, c in self.takers.items() if c in contact_ids]
        for t in changed:
            self.takers[t] = None
        return len(changed)

    async def held_by(self, contact_id: uuid.UUID) -> dict[uuid.UUID, Held]:
        held: dict[uuid.UUID, Held] = {}
        for i, inv in self.invitations.items():
            if inv.contact_id == contact_id:
                held[inv.campaign_id] = Held(invitation_id=i, answered=inv.answered)
        for r, resp in self.responses.items():
            if resp.contact_id == contact_id:
                entry = held.setdefault(resp.campaign_id, Held())
                entry.response_id, entry.answered = r, True
        return held

    async def detach_invitation(self, invitation_id: uuid.UUID) -> None:
        found = self.invitations[invitation_id]
        found.contact_id, found.region = None, None

    async def move_invitation(self, invitation_id: uuid.UUID, target: uuid.UUID) -> None:
        self.invitations[invitation_id].contact_id = target

    async def move_response(self, response_id: uuid.UUID, target: uuid.UUID) -> None:
        self.responses[response_id].contact_id = target

    async def anonymise_response(self, response_id: uuid.UUID) -> None:
        self.responses[response_id].contact_id = None
