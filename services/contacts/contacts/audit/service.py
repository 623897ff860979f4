"""Who did it: the audit log's use cases. Contacts' own staff actions are written by the
use case that makes the change, through `uow.audit.record` (audit/repository.py
`SqlAuditLog`, the one writer), in the same transaction; other services' arrive here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from contacts.audit import repository as store
from contacts.audit.labels import Names
from shared.events.audit import StaffActionV1
from shared.web.pages import HELSINKI

if TYPE_CHECKING:  # for types only: contacts.unit_of_work imports the feature modules
    from contacts.unit_of_work import ContactsUnitOfWork


def audit_filter(
    service: str, actor: str, action: str, date_from: date | None, date_to: date | None
) -> store.AuditFilter:
    """Dates are days in Helsinki; `date_to` is included."""
    return store.AuditFilter(
        service=service.strip() or None,
        actor_id=actor.strip() or None,
        action=action.strip() or None,
        since=datetime.combine(date_from, time(), HELSINKI) if date_from else None,
        until=datetime.combine(date_to + timedelta(days=1), time(), HELSINKI) if date_to else None,
    )


async def store_staff_action(uow: ContactsUnitOfWork, event: StaffActionV1) -> None:
    """Another service's staff action, kept in contacts' audit log as it happened."""
    async with uow:
        await uow.staff_actions.add(
            service=event.service,
            actor_id=event.actor_id,
            actor_role=event.actor_role,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            details=event.details,
            occurred_at=event.occurred_at,
        )
        await uow.commit()


@dataclass(frozen=True)
class LogPage:
    """One page of the audit log as the staff page shows it."""

    entries: list[dict[str, Any]]
    total: int
    services: list[str]  # the services that have written entries (the filter's choices)
    names: Names


async def entries(
    uow: ContactsUnitOfWork, where: store.AuditFilter, *, page: int, per_page: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the matching entries of every service, newest first, and how many match."""
    async with uow:
        return await uow.staff_actions.search(where, page=page, per_page=per_page)


async def log_page(
    uow: ContactsUnitOfWork, where: store.AuditFilter, *, page: int, per_page: int
) -> LogPage:
    """The audit page's reads in one transaction: the entries, the filter's services, and the
    names of the staff and of what the entries are about."""
    async with uow:
        found, total = await uow.staff_actions.search(where, page=page, per_page=per_page)
        known = await uow.staff_actions.services()
        names = await uow.staff_actions.names_of(found)
    return LogPage(entries=found, total=total, services=known, names=names)
