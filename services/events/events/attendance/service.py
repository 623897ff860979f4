"""Attendance: the check-in page's ticks and a platform's attendance file, matched by email.

Marking someone attended publishes `attended` on `events.registration.v1` (once: a second
mark changes nothing); every change is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from events.attendance.domain import AttendanceFile
from events.audit import audit
from events.catalog.service import Actor
from events.errors import NotFound
from events.registration.service import publish_change
from events.unit_of_work import EventsUnitOfWork


@dataclass(frozen=True)
class ImportReport:
    marked: int
    already: int
    unmatched: tuple[str, ...]
    rows_without_email: int


async def set_attendance(
    uow: EventsUnitOfWork,
    *,
    event_id: uuid.UUID,
    attended: set[uuid.UUID],
    actor: Actor,
    now: datetime | None = None,
) -> int:
    """The check-in list as ticked: those ticked attended, the others not. Returns changes."""
    now = now or datetime.now(UTC)
    async with uow:
        event = await uow.events.get(event_id, for_update=True)
        if event is None:
            raise NotFound("no such event")
        rows = [r for r in await uow.registrations.of_event(event_id) if r.state != "cancelled"]
        mark = [r.id for r in rows if r.id in attended and r.attended_at is None]
        unmark = [r.id for r in rows if r.id not in attended and r.attended_at is not None]
        for row in await uow.registrations.set_attended(mark, now):
            publish_change(uow, event, row, "attended", now)
        await uow.registrations.set_attended(unmark, None)
        if mark or unmark:
            audit(
                uow,
                actor_id=actor.id,
                actor_role=actor.role,
                action="event.attendance.checked_in",
                target_type="event",
                target_id=str(event_id),
                details={"marked": len(mark), "unmarked": len(unmark)},
            )
        await uow.commit()
        return len(mark) + len(unmark)


async def import_attendance(
    uow: EventsUnitOfWork,
    *,
    event_id: uuid.UUID,
    file: AttendanceFile,
    actor: Actor,
    now: datetime | None = None,
) -> ImportReport:
    now = now or datetime.now(UTC)
    async with uow:
        event = await uow.events.get(event_id, for_update=True)
        if event is None:
            raise NotFound("no such event")
        live = {
            r.email: r for r in await uow.registrations.of_event(event_id) if r.state != "cancelled"
        }
        matched = [live[e] for e in file.emails if e in live]
        mark = [r.id for r in matched if r.attended_at is None]
        for row in await uow.registrations.set_attended(mark, now):
            publish_change(uow, event, row, "attended", now)
        unmatched = tuple(e for e in file.emails if e not in live)
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="event.attendance.imported",
            target_type="event",
            target_id=str(event_id),
            details={"marked": len(mark), "unmatched": len(unmatched)},
        )
        await uow.commit()
    return ImportReport(
        marked=len(mark),
        already=len(matched) - len(mark),
        unmatched=unmatched,
        rows_without_email=file.rows_without_email,
    )
