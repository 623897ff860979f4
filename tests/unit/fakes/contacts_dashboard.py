"""In-memory dashboard repository (`uow.dashboard` of the fake contacts unit of work).

The counting itself is the repository's SQL (tested on PostgreSQL in
`tests/integration/test_dashboard_figures.py`); here a test sets what a count finds
(`counted`), and the fake keeps what the use cases store and which months they asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from contacts.dashboard.repository import OriginFigures


@dataclass
class FakeDashboard:
    counted: dict[str, Any] = field(default_factory=dict)  # what a count finds, besides months
    stored: tuple[datetime, dict[str, Any]] | None = None
    origins: dict[str, list[OriginFigures]] = field(default_factory=dict)
    now: datetime | None = None  # the database's clock; None = the real one
    counts: list[list[date]] = field(default_factory=list)  # the month ends of each count

    async def count_network(self, ends: list[date]) -> dict[str, Any]:
        self.counts.append(list(ends))
        return {
            "months": [end.isoformat() for end in ends],
            "network": [0] * len(ends),
            "by_type": {},
            "by_region": {},
            "funnel": [0, 0, 0, 0],
            **self.counted,
        }

    async def store_network(self, figures: dict[str, Any]) -> datetime:
        computed_at = self.now or datetime.now(UTC)
        if self.stored is None or self.stored[0] < computed_at:
            self.stored = (computed_at, figures)
        return computed_at

    async def stored_network(self) -> tuple[datetime, dict[str, Any]] | None:
        return self.stored

    async def latest(
        self, *, origin: str, limit: int, since: datetime | None = None
    ) -> list[OriginFigures]:
        found = [
            o
            for o in self.origins.get(origin, [])
            if o.first_sent_at is not None and (since is None or o.first_sent_at >= since)
        ]
        found.sort(key=lambda o: o.first_sent_at or datetime.min, reverse=True)
        return found[:limit]
