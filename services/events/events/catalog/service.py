"""Use cases of events and series: staff create, edit, publish and cancel; the calendar reads.

Every staff change is audited and, once an event is public, its snapshot goes to
`events.event.v1` (compacted, key = event id) in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from events import SOURCE
from events.audit import audit
from events.catalog.domain import Event, EventDetails, Series
from events.catalog.repository import Filters
from events.errors import Conflict, InvalidInput, NotFound
from events.registration import service as registration
from events.registration.service import Links
from events.submissions import service as submissions
from events.unit_of_work import EventsUnitOfWork
from shared.events.envelope import new_event
from shared.events.events import EventPublishedV1
from shared.events.topics import EVENTS
from shared.places import places

# A decline's reason, mailed to the partner as staff wrote it.
REASON_MAX = 2000


@dataclass(frozen=True)
class Actor:
    id: str
    role: str


def _snapshot(uow: EventsUnitOfWork, event: Event, series: Series | None, base_url: str) -> None:
    if event.state not in ("published", "cancelled"):
        return  # drafts and partners' submissions never leave
    d = event.details
    data = EventPublishedV1(
        event_id=event.id,
        version=event.version,
        state="cancelled" if event.state == "cancelled" else "published",
        kind=d.kind,  # checked against KINDS
        title=d.title,
        starts_at=d.starts_at,
        ends_at=d.ends_at,
        online=d.online,
        municipality=d.municipality,
        region=places().region_of(d.municipality),
        capacity=d.capacity,
        languages=list(d.languages),
        topics=list(d.topics),
        organiser=d.organiser,
        series_id=d.series_id,
        series_name=series.name if series else {},
        url=f"{base_url.rstrip('/')}/events/{event.id}",
    )
    uow.publish(
        EVENTS.name,
        str(event.id),
        new_event(source=SOURCE, data=data, subject=str(event.id), version=event.version),
    )


async def _series_of(uow: EventsUnitOfWork, details: EventDetails) -> Series | None:
    if details.series_id is None:
        return None
    found = await uow.series.get(details.series_id)
    if found is None:
        raise NotFound("no such series", field="series_id")
    return found


async def _check_feedback_survey(uow: EventsUnitOfWork, details: EventDetails) -> None:
    """The feedback survey must be one surveys offers (the replica of surveys.survey.v1)."""
    if details.feedback_survey_id is None:
        return
    if await uow.feedback.survey(details.feedback_survey_id) is None:
        raise NotFound("no such survey", field="feedback_survey_id")


def _audit(uow: EventsUnitOfWork, actor: Actor, action: str, event: Event) -> None:
    audit(
        uow,
        actor_id=actor.id,
        actor_role=actor.role,
        action=action,
        target_type="event",
        target_id=str(event.id),
        details={
            "title": event.details.title.get("fi") or next(iter(event.details.title.values()))
        },
    )


async def create_event(
    uow: EventsUnitOfWork,
    *,
    details: EventDetails,
    actor: Actor,
    links: Links,
    publish: bool = False,
) -> Event:
    async with uow:
        event = Event(id=uuid.uuid4(), details=details.checked())
        series = await _series_of(uow, event.details)
        await _check_feedback_survey(uow, event.details)
        if publish:
            event = event.published()
        await uow.events.add(event)
        _audit(uow, actor, "event.created", event)
        _snapshot(uow, event, series, links.base_url)
        await uow.commit()
        return event


async def update_event(
    uow: EventsUnitOfWork,
    *,
    event_id: uuid.UUID,
    details: EventDetails,
    actor: Actor,
    links: Links,
) -> Event:
    async with uow:
        current = await uow.events.get(event_id, for_update=True)
        if current is None:
            raise NotFound("no such event")
        event = current.edited(details)
        series = await _series_of(uow, event.details)
        if event.details.feedback_survey_id != current.details.feedback_survey_id:
            await _check_feedback_survey(uow, event.details)
        await uow.events.update(event)
        _audit(uow, actor, "event.updated", event)
        _snapshot(uow, event, series, links.base_url)
        # More seats: the first ones waiting move up (the row lock above serialises this).
        await registration.fill_free_seats(uow, event, datetime.now(UTC), links)
        if event.state == "published" and event.changes_for_registrants(current):
            await registration.tell_changed(uow, event, links)
        await uow.commit()
        return event


async def publish_event(
    uow: EventsUnitOfWork, *, event_id: uuid.UUID, actor: Actor, links: Links
) -> Event:
    async with uow:
        current = await uow.events.get(event_id, for_update=True)
        if current is None:
            raise NotFound("no such event")
        event = current.published()
        if event is not current:
            series = await _series_of(uow, event.details)
            await uow.events.update(event)
            _audit(uow, actor, "event.published", event)
            _snapshot(uow, event, series, links.base_url)
            submitter = await uow.events.submitter(event.id)
            if current.state == "pending" and submitter is not None:  # a partner's, approved
                submissions.tell_submitter(
                    uow,
                    event=event,
                    submitter=submitter,
                    series_name=series.name if series else None,
                    verdict="approved",
                    event_url=links.event(event.id),
                )
        await uow.commit()
        return event


async def cancel_event(
    uow: EventsUnitOfWork, *, event_id: uuid.UUID, actor: Actor, links: Links
) -> Event:
    """Cancelled: off the calendar, registration closed, every live registrant told."""
    async with uow:
        current = await uow.events.get(event_id, for_update=True)
        if current is None:
            raise NotFound("no such event")
        event = current.cancelled()
        if event is not current:
            await uow.events.update(event)
            _audit(uow, actor, "event.cancelled", event)
            _snapshot(uow, event, await _series_of(uow, event.details), links.base_url)
            await registration.tell_cancelled(uow, event, links)
        await uow.commit()
        return event


async def get_event(uow: EventsUnitOfWork, event_id: uuid.UUID) -> Event:
    async with uow:
        event = await uow.events.get(event_id)
    if event is None:
        raise NotFound("no such event")
    return event


async def list_events(uow: EventsUnitOfWork) -> list[Event]:
    async with uow:
        return await uow.events.listing()


async def upcoming(
    uow: EventsUnitOfWork, *, filters: Filters, now: datetime | None = None, limit: int = 200
) -> list[Event]:
    async with uow:
        return await uow.events.upcoming(now or datetime.now(UTC), filters, limit=limit)


async def topics_in_use(uow: EventsUnitOfWork) -> list[str]:
    async with uow:
        return await uow.events.topics_in_use(datetime.now(UTC))


async def create_series(uow: EventsUnitOfWork, *, series: Series, actor: Actor) -> Series:
    async with uow:
        item = series.checked()
        if await uow.series.by_slug(item.slug) is not None:
            raise Conflict("another series has this address", field="slug")
        await uow.series.add(item)
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="series.created",
            target_type="series",
            target_id=str(item.id),
            details={"slug": item.slug},
        )
        await uow.commit()
        return item


async def list_series(uow: EventsUnitOfWork) -> list[Series]:
    async with uow:
        return await uow.series.listing()


async def get_series(uow: EventsUnitOfWork, *, slug: str) -> Series:
    async with uow:
        found = await uow.series.by_slug(slug)
    if found is None:
        raise NotFound("no such series")
    return found


async def series_by_id(uow: EventsUnitOfWork, series_id: uuid.UUID | None) -> Series | None:
    if series_id is None:
        return None
    async with uow:
        return await uow.series.get(series_id)


async def decline_event(
    uow: EventsUnitOfWork, *, event_id: uuid.UUID, actor: Actor, reason: str = ""
) -> Event:
    """A partner's submission is not published (it stays for the record, off the calendar);
    the partner gets the staff's reason by mail once they confirmed their address."""
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"at most {REASON_MAX} characters", field="reason")
    async with uow:
        current = await uow.events.get(event_id, for_update=True)
        if current is None:
            raise NotFound("no such event")
        event = current.declined()
        if event is not current:
            await uow.events.update(event)
            _audit(uow, actor, "event.declined", event)
            submitter = await uow.events.submitter(event.id)
            # An unconfirmed submission's address is unproven: it gets no mail from us.
            if current.state == "pending" and submitter is not None:
                series = await _series_of(uow, event.details)
                submissions.tell_submitter(
                    uow,
                    event=event,
                    submitter=submitter,
                    series_name=series.name if series else None,
                    verdict="declined",
                    reason=reason,
                )
        await uow.commit()
        return event


async def submitter_of(uow: EventsUnitOfWork, event_id: uuid.UUID) -> tuple[str, str, str] | None:
    async with uow:
        return await uow.events.submitter(event_id)


async def series_activity(
    uow: EventsUnitOfWork, *, slug: str
) -> tuple[Series, list[tuple[str | None, int, int]]]:
    """A series and its published events and registrations by region (None: online)."""
    async with uow:
        found = await uow.series.by_slug(slug)
        if found is None:
            raise NotFound("no such series")
        return found, await uow.events.activity_by_region(found.id)
