"""Reading the audit log: staff actions of every service, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import audit_log


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


async def add(conn: AsyncConnection, **entry: Any) -> None:
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
