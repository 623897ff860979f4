"""In-memory `StatisticsRepository`: a campaign's figures as the test sets them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any


class FakeStatistics:
    def __init__(self) -> None:
        self.snapshots = 0
        self.recent: dict[uuid.UUID, int] = {}
        self.totals_of: dict[uuid.UUID, dict[str, dict[str, int]]] = {}
        self.links: dict[uuid.UUID, list[dict[str, Any]]] = {}
        self.hours: dict[uuid.UUID, list[dict[str, int]]] = {}
        self.hours_from: list[datetime] = []
        self.unsubscribed: dict[uuid.UUID, int] = {}
        self.overview: list[dict[str, Any]] = []  # the campaign list's rows, newest first

    async def one_snapshot(self) -> None:
        self.snapshots += 1

    async def finished_recently(self, campaign_id: uuid.UUID) -> int:
        return self.recent.get(campaign_id, 0)

    async def totals(self, campaign_id: uuid.UUID) -> dict[str, dict[str, int]]:
        return self.totals_of.get(campaign_id, {})

    async def per_link(self, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
        return self.links.get(campaign_id, [])

    async def hourly(self, campaign_id: uuid.UUID, start: datetime) -> list[dict[str, int]]:
        self.hours_from.append(start)
        return self.hours.get(campaign_id, [])

    async def unsubscribed_since_send(self, campaign_id: uuid.UUID) -> int:
        return self.unsubscribed.get(campaign_id, 0)

    async def campaign_overview(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.overview if row["status"] != "test"]
