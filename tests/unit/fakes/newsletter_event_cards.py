"""In-memory replica of published events (`uow.event_listing` of the fake unit of work)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from newsletter.event_cards.domain import ListedEvent, ReplicatedEvent


class FakeEventListing:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, ReplicatedEvent] = {}
        self.batches = 0

    async def keep_newest(self, events: Sequence[ReplicatedEvent]) -> None:
        # The SQL's guard (shared/versioned.py): a held row changes only for a higher version.
        self.batches += 1
        for e in events:
            held = self.rows.get(e.event_id)
            if held is None or held.version < e.version:
                self.rows[e.event_id] = e

    async def upcoming(self, *, now: datetime) -> list[ListedEvent]:
        found = [e for e in self.rows.values() if e.state == "published" and e.ends_at > now]
        found.sort(key=lambda e: (e.starts_at, e.event_id))
        return [e.listed() for e in found]

    async def get(self, event_id: uuid.UUID) -> ListedEvent | None:
        found = self.rows.get(event_id)
        return found.listed() if found else None
