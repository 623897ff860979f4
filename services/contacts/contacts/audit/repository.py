"""The audit log: its one writer (`add`: contacts' own staff actions through `uow.audit`,
other services' as they reach it through `uow.staff_actions`), and the reads of every
service's entries, newest first."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, func, insert, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.audit.domain import Actor
from contacts.audit.labels import Names
from contacts.tables import audit_log, organisations, people, segments, staff_users


class StaffActionRepository(Protocol):
    """The audit log: other services' staff actions as they reach it (`staff.audit.v1`), and
    the reads of the audit page and API (every service's entries, newest first)."""

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
    ) -> None: ...

    async def search(
        self, where: AuditFilter, *, page: int, per_page: int
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the matching entries, newest first, and how many match in all."""

    async def services(self) -> list[str]:
        """The services that have written entries, for the filter's choices."""

    async def names_of(self, entries: Iterable[Mapping[str, Any]]) -> Names:
        """Every staff member's name, and the names of the people, organisations, segments
        and staff members the entries are about."""


class SqlStaffActions:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

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
        await add(
            self._conn,
            service=service,
            actor_id=actor_id,
            actor_role=actor_role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
            occurred_at=occurred_at,
        )

    async def search(
        self, where: AuditFilter, *, page: int, per_page: int
    ) -> tuple[list[dict[str, Any]], int]:
        return await search(self._conn, where, page=page, per_page=per_page)

    async def services(self) -> list[str]:
        return await services(self._conn)

    async def names_of(self, entries: Iterable[Mapping[str, Any]]) -> Names:
        return await names_of(self._conn, entries)


class SqlAuditLog:
    """`uow.audit` (the `AuditLog` of contacts/unit_of_work.py): contacts' own staff actions,
    by the actor, in the transaction of the change."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def record(
        self,
        actor: Actor | None,
        action: str,
        *,
        target_type: str,
        target_id: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        await add(
            self._conn,
            service="contacts",
            actor_id=actor.id if actor else None,
            actor_role=actor.role if actor else None,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details or {},
        )


@dataclass(frozen=True)
class AuditFilter:
    service: str | None = None
    actor_id: str | None = None
    action: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def where(self) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = []
        if self.service:
            parts.append(audit_log.c.service == self.service)
        if self.actor_id:
            parts.append(audit_log.c.actor_id == self.actor_id)
        if self.action:
            # A prefix finds a family of actions ("segment." → created, updated, archived).
            parts.append(audit_log.c.action.startswith(self.action, autoescape=True))
        if self.since:
            parts.append(audit_log.c.occurred_at >= self.since)
        if self.until:
            parts.append(audit_log.c.occurred_at < self.until)
        return and_(true(), *parts)


async def add(
    conn: AsyncConnection,
    *,
    service: str,
    actor_id: str | None,
    actor_role: str | None,
    action: str,
    target_type: str | None,
    target_id: str | None,
    details: dict[str, Any],
    occurred_at: datetime | None = None,
) -> None:
    """The one writer of the audit log. Without `occurred_at` the entry is dated by the
    database (now, in the transaction of the change it records)."""
    entry: dict[str, Any] = {
        "service": service,
        "actor_id": actor_id,
        "actor_role": actor_role,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "details": details,
    }
    if occurred_at is not None:
        entry["occurred_at"] = occurred_at
    await conn.execute(insert(audit_log).values(**entry))


async def search(
    conn: AsyncConnection, where: AuditFilter, *, page: int, per_page: int
) -> tuple[list[dict[str, Any]], int]:
    total = (
        await conn.execute(select(func.count()).select_from(audit_log).where(where.where()))
    ).scalar_one()
    stmt = (
        select(audit_log)
        .where(where.where())
        .order_by(audit_log.c.occurred_at.desc(), audit_log.c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)], int(total)


async def services(conn: AsyncConnection) -> list[str]:
    """The services that have written entries, for the filter's choices."""
    stmt = select(audit_log.c.service).distinct().order_by(audit_log.c.service)
    return [str(s) for s in (await conn.execute(stmt)).scalars()]


def _uuids(values: Iterable[str | None]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


async def staff_labels(conn: AsyncConnection) -> dict[str, str]:
    """Every staff member's id → name (or address when there is no name)."""
    rows = await conn.execute(select(staff_users.c.id, staff_users.c.name, staff_users.c.email))
    return {str(r.id): (r.name or r.email) for r in rows}


async def names_of(conn: AsyncConnection, entries: Iterable[Mapping[str, Any]]) -> Names:
    entries = list(entries)
    by_type: dict[str, list[str | None]] = {}
    for e in entries:
        by_type.setdefault(e.get("target_type") or "", []).append(e.get("target_id"))
    targets: dict[tuple[str, str], str] = {}
    staff = await staff_labels(conn)
    if ids := _uuids(by_type.get("person", [])):
        rows = await conn.execute(
            select(people.c.id, people.c.first_name, people.c.last_name, people.c.email).where(
                people.c.id.in_(ids)
            )
        )
        for r in rows:
            full = " ".join(p for p in (r.first_name, r.last_name) if p)
            targets[("person", str(r.id))] = full or r.email or ""
    if ids := _uuids(by_type.get("organisation", [])):
        rows = await conn.execute(
            select(organisations.c.id, organisations.c.name).where(organisations.c.id.in_(ids))
        )
        targets |= {("organisation", str(r.id)): r.name for r in rows}
    if ids := _uuids(by_type.get("segment", [])):
        rows = await conn.execute(
            select(segments.c.id, segments.c.name).where(segments.c.id.in_(ids))
        )
        targets |= {("segment", str(r.id)): r.name for r in rows}
    for target_id in by_type.get("staff", []):
        if target_id and target_id in staff:
            targets[("staff", target_id)] = staff[target_id]
        elif target_id and "@" in target_id:
            targets[("staff", target_id)] = target_id
    return Names(staff=staff, targets=targets)
