"""In-memory onboarding repository (`uow.onboarding` of the fake contacts unit of work).

States and join codes are its own; who people are, their memberships and their snapshots
(region, organisation) are read from the fake unit of work it belongs to, as the SQL joins
read them from the other tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from contacts.onboarding.domain import lists as list_rules
from contacts.onboarding.domain.lists import Count, ListState, Standing, sort_column, stored_state
from contacts.onboarding.domain.onboarding import Candidate, JoinCode, Onboarding
from contacts.onboarding.repository.lists import COLUMNS, ListFilters

from shared.collation import sort_key

if TYPE_CHECKING:
    from tests.unit.fakes.contacts import FakeContactsUnitOfWork

_LISTED = [c.name for c in COLUMNS]


@dataclass(frozen=True)
class Issued:
    code: JoinCode
    issued_at: datetime


class FakeOnboarding:
    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.rows: dict[uuid.UUID, Onboarding] = {}
        self.issued: dict[str, Issued] = {}
        self.imports: dict[uuid.UUID, dict[str, Any]] = {}

    # -- states and codes
    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Onboarding | None:
        return self.rows.get(person_id)

    async def put(self, record: Onboarding) -> None:
        self.rows[record.person_id] = record

    async def add_code(self, code: JoinCode, *, issued_at: datetime) -> bool:
        if code.code in self.issued:
            return False
        self.issued[code.code] = Issued(code, issued_at)
        return True

    async def current_code(self, person_id: uuid.UUID) -> JoinCode | None:
        mine = [i for i in self.issued.values() if i.code.person_id == person_id]
        return max(mine, key=lambda i: i.issued_at).code if mine else None

    async def codes(self, wanted: Collection[str]) -> dict[str, JoinCode]:
        return {c: self.issued[c].code for c in wanted if c in self.issued}

    async def spend_codes(self, person_id: uuid.UUID, *, at: datetime) -> None:
        for key, issued in self.issued.items():
            if issued.code.person_id == person_id and issued.code.used_at is None:
                spent = JoinCode(issued.code.code, person_id, issued.code.expires_at, at)
                self.issued[key] = Issued(spent, issued.issued_at)

    # -- what the matcher reads
    async def people_by_email(self, emails: Collection[str]) -> dict[str, uuid.UUID]:
        wanted = {e.lower() for e in emails}
        people = self._uow.people.rows.values()
        return {p.email.lower(): p.id for p in people if p.email.lower() in wanted}

    def _state(self, person_id: uuid.UUID) -> str:
        found = self.rows.get(person_id)
        return found.state if found else "not_invited"

    def _membership(self, person_id: uuid.UUID) -> str | None:
        found = self._uow.memberships.rows.get(person_id)
        return found.state if found else None

    async def name_candidates(self) -> list[Candidate]:
        return [
            Candidate(p.id, f"{p.first_name} {p.last_name}".strip())
            for p in self._uow.people.rows.values()
            if self._state(p.id) in ("invited", "requested") or self._membership(p.id) == "active"
        ]

    async def details(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        found: dict[uuid.UUID, dict[str, Any]] = {}
        for pid in ids:
            person = self._uow.people.rows.get(pid)
            if person is None:
                continue
            current = self._uow.organisations.current_of(pid)
            found[pid] = {
                "id": pid,
                "email": person.email,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "membership_state": self._membership(pid) or "none",
                "onboarding_state": self._state(pid),
                "organisation": current["organisation_name"] if current else None,
            }
        return found

    # -- reminders and the funnel
    async def invited_before(self, cutoff: datetime, *, at_most: int) -> list[uuid.UUID]:
        due: list[tuple[datetime, uuid.UUID]] = []
        for pid, record in self.rows.items():
            person = self._uow.people.rows.get(pid)
            since = record.last_reminded_at or record.invited_at
            if (
                person is not None
                and record.state == "invited"
                and record.reminders_sent < at_most
                and since is not None
                and since <= cutoff
                and person.subscription_state != "unsubscribed"
                and person.email_status == "ok"
            ):
                due.append((since, pid))
        return [pid for _, pid in sorted(due)]

    async def funnel_rows(
        self, *, start: datetime, end: datetime
    ) -> list[tuple[Onboarding, str | None, str | None]]:
        snapshots = self._uow.audience.rows
        return [
            (
                r,
                (snapshots.get(r.person_id) or {}).get("region"),
                (snapshots.get(r.person_id) or {}).get("organisation_type"),
            )
            for r in self.rows.values()
            if r.invited_at is not None and start <= r.invited_at < end
        ]

    # -- the lists
    def _listed(self, state: ListState, filters: ListFilters) -> list[dict[str, Any]]:
        found = []
        for pid, snap in self._uow.audience.rows.items():
            if snap.get("erased"):
                continue
            if filters.region and snap.get("region") != filters.region:
                continue
            if filters.organisation_type and snap.get("organisation_type") != (
                filters.organisation_type
            ):
                continue
            part = filters.organisation.strip().lower()
            if part and part not in (snap.get("organisation_name") or "").lower():
                continue
            record = self.rows.get(pid)
            if state == "not_invited":
                if snap.get("membership_state") != "active" or self._state(pid) != "not_invited":
                    continue
            elif record is None or record.state != stored_state(state):
                continue
            if state == "reminded" and record is not None and record.reminders_sent == 0:
                continue
            found.append(self._row(snap, record))
        return found

    @staticmethod
    def _row(snap: dict[str, Any], record: Onboarding | None) -> dict[str, Any]:
        row = {k: snap.get(k) for k in _LISTED}
        for k in ("invited_at", "requested_at", "decided_at", "left_at", "last_reminded_at"):
            row[k] = getattr(record, k) if record else None
        row["reminders_sent"] = record.reminders_sent if record else 0
        return row

    async def people_in(
        self, state: ListState, filters: ListFilters, *, lang: str, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        rows = self._listed(state, filters)
        by = sort_column(state)
        if by == "name":
            rows.sort(
                key=lambda r: (
                    sort_key(r["last_name"] or "", lang),
                    sort_key(r["first_name"] or "", lang),
                    str(r["contact_id"]),
                )
            )
        else:  # newest first, rows without the date last
            rows.sort(key=lambda r: str(r["contact_id"]))
            rows.sort(key=lambda r: r[by].timestamp() if r[by] else float("-inf"), reverse=True)
        return rows[offset : offset + limit]

    async def counts(self, filters: ListFilters) -> dict[str, Count]:
        found = {s: Count(len(self._listed(s, filters))) for s in list_rules.LIST_STATES}
        found["not_invited"] = list_rules.capped(
            len(self._listed("not_invited", filters)), list_rules.COUNT_CAP
        )
        return found

    async def standings(
        self, ids: Collection[uuid.UUID], *, at: datetime
    ) -> dict[uuid.UUID, Standing]:
        found: dict[uuid.UUID, Standing] = {}
        for pid in ids:
            person = self._uow.people.rows.get(pid)
            if person is None:
                continue
            record = self.rows.get(pid)
            usable = any(
                i.code.person_id == pid and i.code.used_at is None and i.code.expires_at > at
                for i in self.issued.values()
            )
            found[pid] = Standing(
                onboarding_state=self._state(pid),
                membership_state=self._membership(pid),
                subscription_state=person.subscription_state,
                email_status=person.email_status,
                reminders_sent=record.reminders_sent if record else 0,
                last_reminded_at=record.last_reminded_at if record else None,
                code_usable=usable,
            )
        return found

    # -- member-list imports
    async def add_import(
        self,
        *,
        import_id: uuid.UUID,
        by: str | None,
        at: datetime,
        matched: int,
        unknown: list[dict[str, Any]],
    ) -> None:
        self.imports[import_id] = {
            "id": import_id,
            "imported_by": by,
            "imported_at": at,
            "matched": matched,
            "unknown": unknown,
        }

    async def get_import(self, import_id: uuid.UUID) -> dict[str, Any] | None:
        found = self.imports.get(import_id)
        return dict(found) if found else None
