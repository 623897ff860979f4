"""In-memory people directory (`uow.directory` of the fake contacts unit of work): the staff
search over snapshot rows, and the records held about one person or organisation.

Rows are plain dicts as the SQL gives them; tests put them in. Membership steps are the ones
the fake memberships repository recorded, so a use case's steps show in the timeline.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from contacts.memberships.domain import Transition

if TYPE_CHECKING:
    from tests.unit.fakes.contacts import FakeContactsUnitOfWork


class FakePeopleDirectory:
    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.snapshots: list[dict[str, Any]] = []
        self.activity: list[dict[str, Any]] = []  # each with person_id
        self.consent_log: list[dict[str, Any]] = []  # each with person_id
        self.signups: list[dict[str, Any]] = []  # each with person_id
        self.registrations: list[dict[str, Any]] = []  # each with person_id, organisation_id

    async def search(
        self,
        filters: Mapping[str, Any],
        *,
        sort: str,
        descending: bool,
        lang: str,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        text = str(filters.get("text") or "").strip().lower()
        found = [
            row
            for row in self.snapshots
            if not row.get("erased")
            and all(
                row.get(key) == value
                for key, value in filters.items()
                if key != "text" and value is not None
            )
            and (
                not text
                or any(
                    text in str(row.get(k) or "").lower()
                    for k in ("email", "first_name", "last_name", "organisation_name")
                )
            )
        ]
        column = {"name": "last_name"}.get(sort, sort)
        found.sort(key=lambda r: (str(r.get(column) or ""), str(r["contact_id"])))
        if descending:
            found.reverse()
        return found[offset : offset + limit], len(found)

    async def activity_of(self, person_id: uuid.UUID, *, limit: int = 500) -> list[dict[str, Any]]:
        mine = [a for a in self.activity if a["person_id"] == person_id]
        return sorted(mine, key=lambda a: a["occurred_at"], reverse=True)[:limit]

    async def transitions_of(self, person_id: uuid.UUID) -> list[Transition]:
        return [t for t in self._uow.memberships.transitions if t.person_id == person_id]

    async def consent_log_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        return [c for c in self.consent_log if c["person_id"] == person_id]

    async def signups_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        return [s for s in self.signups if s["person_id"] == person_id]

    async def registrations_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in r.items() if k not in ("person_id", "organisation_id")}
            for r in self.registrations
            if r["person_id"] == person_id
        ]

    async def registrations_at(self, organisation_id: uuid.UUID) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in r.items() if k not in ("person_id", "organisation_id")}
            for r in self.registrations
            if r.get("organisation_id") == organisation_id
        ]

    async def published_snapshot(self, person_id: uuid.UUID) -> dict[str, Any] | None:
        return next((s for s in self.snapshots if s["contact_id"] == person_id), None)
