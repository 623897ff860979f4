"""In-memory `RetentionRepository`: tracking events and deliveries by time, and the counts
a real run keeps of what it deletes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass
class Kept:
    at: datetime
    status: str = "sent"  # deliveries only: a pending one is never removed


class FakeRetention:
    def __init__(self) -> None:
        self.events: dict[uuid.UUID, Kept] = {}
        self.deliveries: dict[uuid.UUID, Kept] = {}
        self.counted_events = 0
        self.counted_deliveries = 0

    async def old_events(self, cutoff: datetime) -> list[uuid.UUID]:
        return sorted(i for i, e in self.events.items() if e.at < cutoff)

    async def old_deliveries(self, cutoff: datetime) -> list[uuid.UUID]:
        return sorted(
            i for i, d in self.deliveries.items() if d.at < cutoff and d.status != "pending"
        )

    async def count_and_delete_events(self, cutoff: datetime) -> list[uuid.UUID]:
        gone = await self.old_events(cutoff)
        self.counted_events += len(gone)
        for i in gone:
            del self.events[i]
        return gone

    async def count_and_delete_deliveries(self, cutoff: datetime) -> list[uuid.UUID]:
        gone = await self.old_deliveries(cutoff)
        self.counted_deliveries += len(gone)
        for i in gone:
            del self.deliveries[i]
        return gone
