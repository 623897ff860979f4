"""Reminders before an event (offsets in hours, `EVENTS_REMINDER_OFFSETS_HOURS`), run by the
worker: one small transaction per batch, rows locked with SKIP LOCKED so several workers
share the work, each reminder marked in the same transaction as its mail request (and the
newsletter's idempotency key `event-reminder:<registration>:<offset>` absorbs a replay).

`send_due_reminders` is the use case (on events' unit of work); `reminder_loop` only repeats
it, with a new unit of work from `units` each round (the worker makes them from its engine)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from events.catalog.domain import Event
from events.registration.domain import reminder_marks, reminder_wanted
from events.registration.service import Links, request_mail
from events.settings import EventsSettings
from events.unit_of_work import EventsUnitOfWork

log = logging.getLogger(__name__)
BATCH = 200


async def send_due_reminders(
    uow: EventsUnitOfWork,
    *,
    offsets: list[int],
    links: Links,
    now: datetime | None = None,
    batch: int = BATCH,
) -> int:
    """Requests every reminder due at `now`; returns how many mails were requested."""
    now = now or datetime.now(UTC)
    sent = 0
    for offset in sorted(offsets):  # the nearest first: it settles the earlier ones too
        while True:
            async with uow:
                rows = await uow.registrations.due_reminders(now, offset, limit=batch)
                events: dict[Any, Event] = {}
                for row in rows:
                    event = events.get(row.event_id) or await uow.events.get(row.event_id)
                    if event is None:
                        continue
                    events[row.event_id] = event
                    await uow.registrations.mark_reminded(row.id, reminder_marks(offset, offsets))
                    if reminder_wanted(
                        registered_at=row.created_at,
                        starts_at=event.details.starts_at,
                        offset=offset,
                    ):
                        request_mail(
                            uow,
                            template="event_reminder",
                            event=event,
                            row=row,
                            links=links,
                            key=f"event-reminder:{row.id}:{offset}",
                            seat=True,
                        )
                        sent += 1
                await uow.commit()
            if len(rows) < batch:
                break
    return sent


def reminder_loop(
    units: Callable[[], EventsUnitOfWork], settings: EventsSettings
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    links = Links(
        keys=settings.token_keys(),
        base_url=settings.public_base_url,
        max_age_s=settings.cancel_link_max_age_days * 86_400,
        organiser=settings.calendar_organiser,
    )

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await send_due_reminders(
                    units(), offsets=settings.reminder_offsets(), links=links
                )
                if sent:
                    log.info("event reminders requested", extra={"count": sent})
            except Exception:
                log.exception("event reminder run failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.reminder_poll_interval_s)

    return loop
