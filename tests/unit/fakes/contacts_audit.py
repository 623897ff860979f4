"""In-memory audit log of every service (`uow.staff_actions`): the staff actions as
`staff.audit.v1` brings them, and the reads of the audit page and API over them.

Contacts' own entries (`uow.audit`) are kept apart by the fake unit of work; a test of the
reads puts its entries here with `add`. Names come from the fake unit of work's people,
organisations, segments and staff, as the SQL reads them from their tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from contacts.audit.labels import Names
from contacts.audit.repository import AuditFilter

if TYPE_CHECKING:
    from tests.unit.fakes.contacts import FakeContactsUnitOfWork


def _matches(where: AuditFilter, row: Mapping[str, Any]) -> bool:
    return (
        (not where.service or row["service"] == where.service)
        and (not where.actor_id or row["actor_id"] == where.actor_id)
        and (not where.action or str(row["action"]).startswith(where.action))
        and (where.since is None or row["occurred_at"] >= where.since)
        and (where.until is None or row["occurred_at"] < where.until)
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class FakeStaffActions:
    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.rows: list[dict[str, Any]] = []

    async def add(
        self,
        *,
        service: str,
        actor_id: str | None,
        actor_role: str | None,
        action: str,
        target_type: str | None,
        target_id: str | None,
        details: dict[str, Any],
        occurred_at: datetime,
    ) -> None:
        self.rows.append(
            {
                "service": service,
                "actor_id": actor_id,
                "actor_role": actor_role,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "details": dict(details),
                "occurred_at": occurred_at,
            }
        )

    async def search(
        self, where: AuditFilter, *, page: int, per_page: int
    ) -> tuple[list[dict[str, Any]], int]:
        # Newest first; of two at the same time, the later added (the SQL's higher id).
        newest = sorted(
            enumerate(self.rows), key=lambda pair: (pair[1]["occurred_at"], pair[0]), reverse=True
        )
        found = [dict(row) for _, row in newest if _matches(where, row)]
        start = (page - 1) * per_page
        return found[start : start + per_page], len(found)

    async def services(self) -> list[str]:
        return sorted({str(row["service"]) for row in self.rows})

    async def names_of(self, entries: Iterable[Mapping[str, Any]]) -> Names:
        uow = self._uow
        staff = {str(m.id): (m.name or m.email) for m in uow.staff.rows.values()}
        targets: dict[tuple[str, str], str] = {}
        for entry in entries:
            kind, target_id = entry.get("target_type") or "", entry.get("target_id")
            key = _uuid(target_id)
            if kind == "person" and key and (person := uow.people.rows.get(key)):
                full = " ".join(p for p in (person.first_name, person.last_name) if p)
                targets[(kind, str(key))] = full or person.email or ""
            elif kind == "organisation" and key and (org := uow.organisations.rows.get(key)):
                targets[(kind, str(key))] = org.name
            elif kind == "segment" and key and (segment := uow.segments.rows.get(key)):
                targets[(kind, str(key))] = segment.name
            elif kind == "staff" and target_id and target_id in staff:
                targets[(kind, target_id)] = staff[target_id]
            elif kind == "staff" and target_id and "@" in target_id:
                targets[(kind, target_id)] = target_id
        return Names(staff=staff, targets=targets)
