"""In-memory event catalogue and registrations (`uow.participation`).

The snapshot's event fields come from the same rows (`engagement_now`, which the fake person
events put into every snapshot they publish), and `published_engagement` reads them back from
the fake audience's projection, as the SQL reads contacts' snapshot table.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from contacts.participation.domain import Engagement, Held, Registration, day_of, engagement

if TYPE_CHECKING:
    from tests.unit.fakes.contacts import FakeContactsUnitOfWork


class FakeParticipation:
    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.catalogue: dict[uuid.UUID, dict[str, Any]] = {}
        self.registrations: dict[uuid.UUID, Registration] = {}

    async def put_event(self, row: dict[str, Any]) -> None:
        held = self.catalogue.get(row["event_id"])
        if held is None or held["version"] < row["version"]:
            self.catalogue[row["event_id"]] = dict(row)

    async def withdraw_event(self, event_id: uuid.UUID) -> None:
        if event_id in self.catalogue:
            self.catalogue[event_id] = self.catalogue[event_id] | {"state": "withdrawn"}

    async def get(
        self, registration_id: uuid.UUID, *, for_update: bool = False
    ) -> Registration | None:
        return self.registrations.get(registration_id)

    async def save(self, registration: Registration) -> None:
        self.registrations[registration.registration_id] = registration

    def _held(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Held]]:
        found: dict[uuid.UUID, list[Held]] = {}
        for r in self.registrations.values():
            if r.person_id is None or r.person_id not in person_ids:
                continue
            event = self.catalogue.get(r.event_id, {})
            series = r.series_id or event.get("series_id")
            when = event.get("starts_at") or r.attended_at
            found.setdefault(r.person_id, []).append(
                Held(r.state, str(series) if series else None, day_of(when) if when else None)
            )
        return found

    async def held_by(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Held]]:
        return self._held(person_ids)

    def engagement_now(self, person_id: uuid.UUID) -> Engagement:
        return engagement(self._held([person_id]).get(person_id, []))

    async def attendees(self, event_id: uuid.UUID) -> list[uuid.UUID]:
        return [
            r.person_id
            for r in self.registrations.values()
            if r.event_id == event_id and r.state == "attended" and r.person_id is not None
        ]

    async def published_engagement(self, person_id: uuid.UUID) -> Engagement:
        row = self._uow.audience.rows.get(person_id)
        if row is None:
            return Engagement()
        return Engagement(row["last_attended_on"], tuple(row["registered_series"] or ()))

    def _counts(self, since: datetime, key: Any) -> list[tuple[str, int, int, int]]:
        groups: dict[str, tuple[set[uuid.UUID], int, int]] = {}
        for event_id, event in self.catalogue.items():
            if event["state"] != "published" or event["starts_at"] < since:
                continue
            theirs = [r for r in self.registrations.values() if r.event_id == event_id]
            for code, regs in key(event, theirs):
                events, made, attended = groups.get(code, (set(), 0, 0))
                live = [r for r in regs if r.state != "cancelled"]
                groups[code] = (
                    events | {event_id},
                    made + len(live),
                    attended + sum(r.state == "attended" for r in regs),
                )
        return [(c, len(e), m, a) for c, (e, m, a) in sorted(groups.items())]

    async def by_place(self, since: datetime, column: str) -> list[tuple[str, int, int, int]]:
        return self._counts(since, lambda event, regs: [(event.get(column) or "", regs)])

    async def by_organisation_type(self, since: datetime) -> list[tuple[str, int, int, int]]:
        def by_type(event: dict[str, Any], regs: list[Registration]) -> list[Any]:
            types: dict[str, list[Registration]] = {}
            for r in regs:
                if r.state == "cancelled":
                    continue
                row = self._uow.audience.rows.get(r.person_id) if r.person_id else None
                code = (row or {}).get("organisation_type") or ""
                types.setdefault(code, []).append(r)
            return list(types.items())

        return self._counts(since, by_type)
