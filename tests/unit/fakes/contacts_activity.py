"""In-memory timeline rows (`uow.activity`) and the counts the dashboard and impact keep of
consumed mail and survey events (`uow.figures`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

COUNTED = ("campaign", "survey_invitation")  # as the dashboard's SQL counts them


@dataclass(frozen=True)
class TimelineRow:
    person_id: uuid.UUID
    kind: str
    at: datetime
    details: dict[str, Any]
    source: str


class FakeActivity:
    def __init__(self) -> None:
        self.rows: list[TimelineRow] = []

    async def add(
        self,
        *,
        person_id: uuid.UUID,
        kind: str,
        at: datetime,
        details: dict[str, Any],
        source: str = "contacts",
    ) -> None:
        self.rows.append(TimelineRow(person_id, kind, at, dict(details), source))

    async def of(self, person_id: uuid.UUID, limit: int = 500) -> list[dict[str, Any]]:
        theirs = [r for r in self.rows if r.person_id == person_id]
        theirs.sort(key=lambda r: r.at, reverse=True)
        return [
            {"kind": r.kind, "occurred_at": r.at, "details": r.details, "source": r.source}
            for r in theirs[:limit]
        ]

    def kinds(self, person_id: uuid.UUID) -> list[str]:
        return [r.kind for r in self.rows if r.person_id == person_id]


class FakeFigureCounts:
    """Sets, as the SQL's upserts are idempotent."""

    def __init__(self) -> None:
        self.mail: set[tuple[uuid.UUID, str, str, str]] = set()  # delivery, outcome, origin, id
        self.responses: set[tuple[uuid.UUID, uuid.UUID]] = set()
        self.reached: set[tuple[uuid.UUID, date]] = set()  # person, month

    async def mail_event(
        self,
        *,
        delivery_id: uuid.UUID,
        outcome: str,
        origin: str,
        origin_id: str,
        group_id: str,
        label: str | None,
        at: datetime,
    ) -> None:
        if origin in COUNTED:
            self.mail.add((delivery_id, outcome, origin, origin_id))

    async def survey_response(
        self, *, response_id: uuid.UUID, campaign_id: uuid.UUID, on: date
    ) -> None:
        self.responses.add((response_id, campaign_id))

    async def reach(self, *, person_id: uuid.UUID, at: datetime) -> None:
        self.reached.add((person_id, at.date().replace(day=1)))
