"""Use cases of event participation: take the events service's events in, and read them for
timelines, snapshots, segments, the impact chain and the dashboard.

The consumers' use cases take contacts' unit of work (`uow.participation`), which the Kafka
handlers join to their record's transaction (with its inbox row); on top of the inbox,
the catalogue is version-guarded and each registration step time-guarded
(`domain.applied`), so a replay from the `.replay` topic or an older record changes nothing.
A registration that changes a person's event fields (or their engagement day) publishes their
snapshot with a new version, in the same transaction.

The reads that take a connection (`engagement_of`, the timelines, `month_counts`) serve
features that read inside their own transaction and are not on the unit of work yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.participation import repository as store
from contacts.participation.domain import (
    Change,
    Engagement,
    Held,
    MonthFigures,
    applied,
    day_of,
    engagement,
    steps,
)
from shared.events.events import EventPublishedV1, RegistrationChangedV1

if TYPE_CHECKING:  # the people directory's repository reads timelines from here
    from contacts.unit_of_work import ContactsUnitOfWork


async def apply_event(uow: ContactsUnitOfWork, event: EventPublishedV1) -> None:
    """Keep the event (version-guarded); its attendees' `last_attended_on` follows the event's
    day once the catalogue knows it (an attendance that arrived first used its own day)."""
    async with uow:
        await uow.participation.put_event(
            {
                "event_id": event.event_id,
                "version": event.version,
                "state": event.state,
                "kind": event.kind,
                "title": dict(event.title),
                "series_id": event.series_id,
                "series_name": dict(event.series_name),
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "online": event.online,
                "region": event.region,
                "municipality": event.municipality,
                "url": event.url,
            },
        )
        for person_id in await uow.participation.attendees(event.event_id):
            await _refresh_snapshot(uow, person_id)
        await uow.commit()


async def withdraw_event(uow: ContactsUnitOfWork, event_id: uuid.UUID) -> None:
    async with uow:
        await uow.participation.withdraw_event(event_id)
        await uow.commit()


async def engagement_of(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Engagement]:
    """The snapshot's event fields of each person (those without registrations are absent)."""
    return _engagements(await store.held_by(conn, person_ids))


def _engagements(held: dict[uuid.UUID, list[Held]]) -> dict[uuid.UUID, Engagement]:
    return {person_id: engagement(rows) for person_id, rows in held.items()}


async def apply_registration(uow: ContactsUnitOfWork, event: RegistrationChangedV1) -> bool:
    """Record one change; True when it added something (False for a replay or a duplicate)."""
    async with uow:
        held = await uow.participation.get(event.registration_id, for_update=True)
        known = event.contact_id or (held.person_id if held else None)
        person = await uow.people.get(known, for_update=True) if known else None
        change = Change(
            registration_id=event.registration_id,
            event_id=event.event_id,
            person_id=person.id if person else None,
            series_id=event.series_id,
            event_kind=event.event_kind,
            change=event.change,
            at=event.occurred_at,
        )
        updated = applied(held, change)
        if updated is None:
            return False
        await uow.participation.save(updated)
        if person is not None:
            engaged = day_of(event.occurred_at) if event.change == "attended" else None
            await _refresh_snapshot(uow, person.id, engaged_on=engaged)
        await uow.commit()
    return True


async def _refresh_snapshot(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, *, engaged_on: date | None = None
) -> None:
    """Publish the person's snapshot (a new version) when their event fields or engagement
    day moved; the projection holds the fields as last published."""
    person = await uow.people.get(person_id, for_update=True)
    if person is None:
        return
    held = await uow.participation.held_by([person_id])
    now = _engagements(held).get(person_id, Engagement())
    published = await uow.participation.published_engagement(person_id)
    changed = person.engaged(engaged_on) if engaged_on is not None else None
    if changed is None and published == now:
        return
    changed = changed or person.changed()  # a new version, so replicas take the snapshot
    await uow.people.save(changed)
    await uow.events.publish_snapshot(changed)


def _items(rows: list[dict[str, Any]], *, with_person: bool) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        details: dict[str, Any] = {
            "event_id": str(row["event_id"]),
            "titles": row["title"] or {},
            "url": row["url"] or "",
        }
        if with_person:
            details["person"] = f"{row['first_name'] or ''} {row['last_name'] or ''}".strip()
            details["person_id"] = str(row["person_id"])
        for kind, at in steps(row):
            items.append({"at": at, "kind": kind, "source": "events", "details": details})
    return items


async def person_timeline(conn: AsyncConnection, person_id: uuid.UUID) -> list[dict[str, Any]]:
    """The person's registration steps as timeline items (at, kind, source, details)."""
    return _items(await store.of_person(conn, person_id), with_person=False)


async def organisation_timeline(
    conn: AsyncConnection, organisation_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The steps of the people whose organisation this is now, each naming the person."""
    return _items(await store.of_organisation(conn, organisation_id), with_person=True)


async def month_counts(conn: AsyncConnection, start: datetime, end: datetime) -> MonthFigures:
    """The impact chain's event figures of [start, end): events held, registrations made,
    and attended of the seats at the events that ended then."""
    attended, seated = await store.attendance(conn, start, end)
    return MonthFigures(
        events_held=await store.events_held(conn, start, end),
        registrations=await store.registrations_made(conn, start, end),
        attended=attended,
        seated=seated,
    )


Rows = list[tuple[str, int, int, int]]


async def dashboard(uow: ContactsUnitOfWork, *, since: datetime) -> tuple[Rows, Rows, Rows]:
    """The dashboard's rows (code, events, registrations, attended) of the published events
    starting at or after `since`: by the event's region, by its municipality, and by the
    registered person's organisation type ("" = online or no place; no organisation)."""
    async with uow:
        return (
            await uow.participation.by_place(since, "region"),
            await uow.participation.by_place(since, "municipality"),
            await uow.participation.by_organisation_type(since),
        )
