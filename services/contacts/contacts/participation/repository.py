"""Participation's tables: the event catalogue, the registrations, and the counts read from
them (timelines, snapshots, the impact chain, the dashboard)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, distinct, func, select, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.participation.domain import Engagement, Held, Registration, day_of
from contacts.tables import contact_snapshot, event_catalogue, event_participation


class ParticipationRepository(Protocol):
    """The event catalogue and the registrations as contacts holds them (`uow.participation`)."""

    async def put_event(self, row: dict[str, Any]) -> None:
        """The event as published, unless a newer version is already held."""

    async def withdraw_event(self, event_id: uuid.UUID) -> None:
        """The event was withdrawn entirely; its record stays for the timelines."""

    async def get(
        self, registration_id: uuid.UUID, *, for_update: bool = False
    ) -> Registration | None: ...

    async def save(self, registration: Registration) -> None: ...

    async def held_by(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Held]]:
        """Each person's registrations as the snapshot needs them."""

    async def attendees(self, event_id: uuid.UUID) -> list[uuid.UUID]:
        """The known people who attended the event."""

    async def published_engagement(self, person_id: uuid.UUID) -> Engagement:
        """The event fields of the person's snapshot as last published."""

    async def by_place(self, since: datetime, column: str) -> list[tuple[str, int, int, int]]:
        """(region or municipality code, events, registrations, attended) since `since`."""

    async def by_organisation_type(self, since: datetime) -> list[tuple[str, int, int, int]]:
        """(organisation type, events, registrations, attended) since `since`."""


class SqlParticipation:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def put_event(self, row: dict[str, Any]) -> None:
        await put_event(self._conn, row)

    async def withdraw_event(self, event_id: uuid.UUID) -> None:
        await withdraw_event(self._conn, event_id)

    async def get(
        self, registration_id: uuid.UUID, *, for_update: bool = False
    ) -> Registration | None:
        return await get(self._conn, registration_id, for_update=for_update)

    async def save(self, registration: Registration) -> None:
        await save(self._conn, registration)

    async def held_by(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Held]]:
        return await held_by(self._conn, person_ids)

    async def attendees(self, event_id: uuid.UUID) -> list[uuid.UUID]:
        return await attendees(self._conn, event_id)

    async def published_engagement(self, person_id: uuid.UUID) -> Engagement:
        return await published_engagement(self._conn, person_id)

    async def by_place(self, since: datetime, column: str) -> list[tuple[str, int, int, int]]:
        return await by_place(self._conn, since, column)

    async def by_organisation_type(self, since: datetime) -> list[tuple[str, int, int, int]]:
        return await by_organisation_type(self._conn, since)


CATALOGUE_COLUMNS = (
    "version",
    "state",
    "kind",
    "title",
    "series_id",
    "series_name",
    "starts_at",
    "ends_at",
    "online",
    "region",
    "municipality",
    "url",
)


async def put_event(conn: AsyncConnection, row: dict[str, Any]) -> None:
    """The event as published, unless a newer version is already held."""
    t = event_catalogue
    stmt = insert(t).values(**row)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[t.c.event_id],
            set_={c: stmt.excluded[c] for c in CATALOGUE_COLUMNS} | {"updated_at": func.now()},
            where=t.c.version < stmt.excluded.version,
        )
    )


async def withdraw_event(conn: AsyncConnection, event_id: uuid.UUID) -> None:
    """A tombstone: the event was withdrawn entirely; its record stays for the timelines."""
    t = event_catalogue
    await conn.execute(
        update(t).where(t.c.event_id == event_id).values(state="withdrawn", updated_at=func.now())
    )


async def get(
    conn: AsyncConnection, registration_id: uuid.UUID, *, for_update: bool = False
) -> Registration | None:
    t = event_participation
    stmt = select(t).where(t.c.registration_id == registration_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).mappings().first()
    return Registration(**row) if row else None


async def save(conn: AsyncConnection, registration: Registration) -> None:
    t = event_participation
    row = asdict(registration)
    stmt = insert(t).values(**row)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[t.c.registration_id],
            set_={c: stmt.excluded[c] for c in row if c != "registration_id"},
        )
    )


async def held_by(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Held]]:
    """Each person's registrations for the snapshot: state, series, and the event's day (its
    start in the catalogue, else the moment attendance was marked)."""
    if not person_ids:
        return {}
    p, e = event_participation.c, event_catalogue.c
    stmt = (
        select(p.person_id, p.state, p.series_id, e.series_id.label("cat_series"),
               e.starts_at, p.attended_at)
        .select_from(event_participation.outerjoin(event_catalogue, e.event_id == p.event_id))
        .where(p.person_id.in_(list(person_ids)))
    )  # fmt: skip
    found: dict[uuid.UUID, list[Held]] = {}
    for r in await conn.execute(stmt):
        series = r.series_id or r.cat_series
        when = r.starts_at or r.attended_at
        found.setdefault(r.person_id, []).append(
            Held(r.state, str(series) if series else None, day_of(when) if when else None)
        )
    return found


async def attendees(conn: AsyncConnection, event_id: uuid.UUID) -> list[uuid.UUID]:
    """The known people who attended the event."""
    p = event_participation.c
    stmt = select(p.person_id).where(
        p.event_id == event_id, p.state == "attended", p.person_id.is_not(None)
    )
    return list((await conn.execute(stmt)).scalars())


async def published_engagement(conn: AsyncConnection, person_id: uuid.UUID) -> Engagement:
    """The event fields of the person's snapshot as last published (contacts' projection)."""
    s = contact_snapshot.c
    stmt = select(s.last_attended_on, s.registered_series).where(s.contact_id == person_id)
    row = (await conn.execute(stmt)).first()
    if row is None:
        return Engagement()
    return Engagement(row.last_attended_on, tuple(row.registered_series or ()))


def _with_event() -> Any:
    p, e = event_participation.c, event_catalogue.c
    return select(
        p.registration_id,
        p.event_id,
        p.person_id,
        p.state,
        p.registered_at,
        p.waitlisted_at,
        p.cancelled_at,
        p.attended_at,
        e.title,
        e.url,
        e.starts_at,
    ).select_from(event_participation.outerjoin(event_catalogue, e.event_id == p.event_id))


async def of_person(conn: AsyncConnection, person_id: uuid.UUID) -> list[dict[str, Any]]:
    """The person's registrations with their event's title and page."""
    stmt = _with_event().where(event_participation.c.person_id == person_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def of_organisation(
    conn: AsyncConnection, organisation_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Registrations of the people whose current organisation this is, with their names."""
    s = contact_snapshot.c
    stmt = (
        _with_event()
        .add_columns(s.first_name, s.last_name)
        .join(contact_snapshot, s.contact_id == event_participation.c.person_id)
        .where(s.organisation_id == organisation_id, s.erased.is_(False))
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def series(conn: AsyncConnection) -> list[tuple[uuid.UUID, dict[str, str]]]:
    """Every series of the catalogue with its names (language -> name), newest event first."""
    e = event_catalogue.c
    stmt = (
        select(e.series_id, e.series_name)
        .where(e.series_id.is_not(None))
        .order_by(e.series_id, e.starts_at.desc().nulls_last())
        .ext(distinct_on(e.series_id))
    )
    return [(r.series_id, dict(r.series_name or {})) for r in await conn.execute(stmt)]


# --- counts ------------------------------------------------------------------------------


async def events_held(conn: AsyncConnection, start: datetime, end: datetime) -> int:
    """Published (not cancelled, not withdrawn) events that ended in [start, end)."""
    e = event_catalogue.c
    stmt = select(func.count()).where(e.state == "published", e.ends_at >= start, e.ends_at < end)
    return int((await conn.execute(stmt)).scalar_one())


async def registrations_made(conn: AsyncConnection, start: datetime, end: datetime) -> int:
    """Registrations (a seat or a waiting-list place) first made in [start, end)."""
    p = event_participation.c
    stmt = select(func.count()).where(p.first_at >= start, p.first_at < end)
    return int((await conn.execute(stmt)).scalar_one())


async def attendance(conn: AsyncConnection, start: datetime, end: datetime) -> tuple[int, int]:
    """(attended, holding a seat) over the registrations of the published events that ended
    in [start, end): the denominator is every registration not cancelled and not left on the
    waiting list."""
    p, e = event_participation.c, event_catalogue.c
    stmt = (
        select(
            func.count().filter(p.state == "attended"),
            func.count().filter(p.state.in_(("registered", "attended"))),
        )
        .select_from(event_participation.join(event_catalogue, e.event_id == p.event_id))
        .where(e.state == "published", e.ends_at >= start, e.ends_at < end)
    )
    attended, seated = (await conn.execute(stmt)).one()
    return int(attended), int(seated)


async def by_place(
    conn: AsyncConnection, since: datetime, column: str
) -> list[tuple[str, int, int, int]]:
    """(region or municipality code, "" for none/online; events; registrations; attended) of
    the published events starting at or after `since`; registrations not cancelled."""
    p, e = event_participation.c, event_catalogue.c
    live = p.state != "cancelled"
    place = func.coalesce(e[column], "")
    stmt = (
        select(
            place,
            func.count(distinct(e.event_id)),
            func.count(p.registration_id).filter(live),
            func.count(p.registration_id).filter(p.state == "attended"),
        )
        .select_from(event_catalogue.outerjoin(event_participation, p.event_id == e.event_id))
        .where(e.state == "published", e.starts_at >= since)
        .group_by(place)
        .order_by(place)
    )
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in await conn.execute(stmt)]


async def by_organisation_type(
    conn: AsyncConnection, since: datetime
) -> list[tuple[str, int, int, int]]:
    """(organisation type or "" for none, events, registrations, attended) by the registered
    person's organisation type now: events = distinct events with such a registrant."""
    p, e, s = event_participation.c, event_catalogue.c, contact_snapshot.c
    org_type = func.coalesce(s.organisation_type, "")
    stmt = (
        select(
            org_type,
            func.count(distinct(p.event_id)),
            func.count(),
            func.count().filter(p.state == "attended"),
        )
        .select_from(
            event_participation.join(event_catalogue, e.event_id == p.event_id).outerjoin(
                contact_snapshot, and_(s.contact_id == p.person_id, s.erased.is_(False))
            )
        )
        .where(e.state == "published", e.starts_at >= since, p.state != "cancelled")
        .group_by(org_type)
        .order_by(org_type)
    )
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in await conn.execute(stmt)]
