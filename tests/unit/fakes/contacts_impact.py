"""In-memory impact repository (`uow.impact` of the fake contacts unit of work).

What a month's sources hold is set by the test (`sources[month]`: the value each source
method returns, by its name); what the use cases store (figures, targets) is kept here, stamped
with the fake database clock (`now`). The SQL of the sources is tested on PostgreSQL in
`tests/integration/test_impact_figures.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from contacts.impact.domain import Figure
from contacts.impact.repository import MailTotals, Partner, Stored, TargetRow
from contacts.impact.self_assessment import Result
from contacts.participation.domain import MonthFigures

NO_EVENTS = MonthFigures(events_held=0, registrations=0, attended=0, seated=0)


@dataclass
class FakeImpact:
    sources: dict[date, dict[str, Any]] = field(default_factory=dict)
    earliest: date | None = None
    # (indicator, month, part) -> (figure, computed_at)
    figures: dict[tuple[str, date, str], tuple[Figure, datetime]] = field(default_factory=dict)
    targets: dict[tuple[str, int], TargetRow] = field(default_factory=dict)
    reach_months: set[date] = field(default_factory=set)  # months whose reach rows are held
    now: datetime | None = None  # the database's clock; None = the real one

    def _clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    def _source(self, month: date, name: str, default: Any) -> Any:
        return self.sources.get(month, {}).get(name, default)

    # -- a month's sources
    async def origins_started(self, origin: str, month: date) -> int:
        return int(self._source(month, f"origins_started:{origin}", 0))

    async def campaign_totals(self, month: date) -> MailTotals:
        found: MailTotals = self._source(month, "campaign_totals", MailTotals(0, 0, 0, 0))
        return found

    async def survey_invitations_and_responses(self, month: date) -> tuple[int, int]:
        invitations, responses = self._source(month, "survey_invitations_and_responses", (0, 0))
        return int(invitations), int(responses)

    async def responses_submitted(self, month: date) -> int:
        return int(self._source(month, "responses_submitted", 0))

    async def visits_done(self, month: date) -> int:
        return int(self._source(month, "visits_done", 0))

    async def reach(self, month: date) -> tuple[int, int]:
        in_month, year_to_date = self._source(month, "reach", (0, 0))
        return int(in_month), int(year_to_date)

    async def memberships_started(self, month: date) -> int:
        return int(self._source(month, "memberships_started", 0))

    async def event_counts(self, month: date) -> MonthFigures:
        found: MonthFigures = self._source(month, "event_counts", NO_EVENTS)
        return found

    async def partners(self, month: date) -> list[Partner]:
        return list(self._source(month, "partners", []))

    async def network_cells(self, month: date) -> dict[tuple[str, str], int]:
        return dict(self._source(month, "network_cells", {}))

    async def assessment_results(self, month: date) -> list[Result]:
        return list(self._source(month, "assessment_results", []))

    async def earliest_source(self) -> date | None:
        return self.earliest

    # -- stored figures
    async def store_month(
        self, month: date, figures: dict[tuple[str, str], Figure], *, indicators: Iterable[str]
    ) -> None:
        keys = set(indicators)
        for held in [k for k in self.figures if k[1] == month and k[0] in keys]:
            del self.figures[held]
        at = self._clock()
        for (indicator, part), figure in figures.items():
            self.figures[indicator, month, part] = (figure, at)

    async def stored(
        self,
        *,
        since: date,
        until: date,
        indicators: Iterable[str] | None = None,
        parts: str | None = None,
    ) -> list[Stored]:
        wanted = None if indicators is None else set(indicators)
        return [
            Stored(indicator, month, part, figure)
            for (indicator, month, part), (figure, _at) in sorted(self.figures.items())
            if since <= month <= until
            and (wanted is None or indicator in wanted)
            and (parts is None or part == "" or part.startswith(parts))
        ]

    async def months_held(self, *, since: date) -> set[date]:
        return {month for (_i, month, _p) in self.figures if month >= since}

    async def last_computed(self, *, since: date, until: date) -> datetime | None:
        times = [
            at for (_i, month, _p), (_f, at) in self.figures.items() if since <= month <= until
        ]
        return max(times, default=None)

    async def forget_reach(self, *, before: date) -> None:
        self.reach_months = {m for m in self.reach_months if m >= before}

    # -- targets
    async def targets_of(self, year: int) -> dict[str, float]:
        return {key: row.target for (key, y), row in self.targets.items() if y == year}

    async def target_rows(self, year: int) -> dict[str, TargetRow]:
        return {key: row for (key, y), row in self.targets.items() if y == year}

    async def set_target(
        self, *, indicator: str, year: int, target: float, set_by: str | None
    ) -> float | None:
        before = self.targets.get((indicator, year))
        self.targets[indicator, year] = TargetRow(indicator, year, target, set_by, self._clock())
        return before.target if before else None
