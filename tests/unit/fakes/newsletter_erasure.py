"""In-memory `ErasureRepository`: deliveries by id, tracking events pointing at them, and
which people the contact replica holds as erased."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field


@dataclass
class HeldDelivery:
    contact_id: uuid.UUID | None
    campaign_id: uuid.UUID | None = None
    to_email: str | None = "person@example.fi"
    status: str = "sent"


@dataclass
class FakeErasure:
    deliveries: dict[uuid.UUID, HeldDelivery] = field(default_factory=dict)
    tracking: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # event id -> delivery
    erased: set[uuid.UUID] = field(default_factory=set)

    def deliver(
        self, contact_id: uuid.UUID, campaign_id: uuid.UUID | None = None, status: str = "sent"
    ) -> uuid.UUID:
        delivery_id = uuid.uuid4()
        self.deliveries[delivery_id] = HeldDelivery(contact_id, campaign_id, status=status)
        return delivery_id

    def track(self, delivery_id: uuid.UUID) -> uuid.UUID:
        event_id = uuid.uuid4()
        self.tracking[event_id] = delivery_id
        return event_id

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return set(contact_ids) & self.erased

    def _anonymise(self, ids: list[uuid.UUID]) -> list[uuid.UUID]:
        for i in ids:
            d = self.deliveries[i]
            d.contact_id, d.to_email = None, None
            if d.status == "pending":
                d.status = "suppressed"
        return ids

    async def anonymise_deliveries(self, contact_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        wanted = set(contact_ids)
        return self._anonymise([i for i, d in self.deliveries.items() if d.contact_id in wanted])

    async def repoint_deliveries(
        self, *, source: uuid.UUID, target: uuid.UUID
    ) -> tuple[int, list[uuid.UUID]]:
        kept_campaigns = {d.campaign_id for d in self.deliveries.values() if d.contact_id == target}
        clashing = self._anonymise(
            [
                i
                for i, d in self.deliveries.items()
                if d.contact_id == source
                and d.campaign_id is not None
                and d.campaign_id in kept_campaigns
            ]
        )
        moved = 0
        for d in self.deliveries.values():
            if d.contact_id == source:
                d.contact_id = target
                moved += 1
        return moved, clashing

    async def unlink_tracking(self, delivery_ids: Sequence[uuid.UUID]) -> int:
        wanted = set(delivery_ids)
        changed = 0
        for event_id, delivery_id in self.tracking.items():
            if delivery_id in wanted:
                self.tracking[event_id] = uuid.uuid4()
                changed += 1
        return changed
