"""In-memory `TrackingRepository`: deliveries a link may name, the events recorded."""

from __future__ import annotations

import uuid

from newsletter.tracking.domain import TrackedDelivery, TrackingEvent


class FakeTracking:
    def __init__(self) -> None:
        self.deliveries: dict[uuid.UUID, TrackedDelivery] = {}
        self.events: list[TrackingEvent] = []
        self.locked: list[uuid.UUID] = []

    async def lock_delivery(self, delivery_id: uuid.UUID) -> TrackedDelivery | None:
        self.locked.append(delivery_id)
        return self.deliveries.get(delivery_id)

    async def has_event(self, delivery_id: uuid.UUID, kind: str) -> bool:
        return any(e.delivery_id == delivery_id and e.kind == kind for e in self.events)

    async def add_event(self, event: TrackingEvent) -> None:
        self.events.append(event)
