"""The SQL of events and series."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from events.catalog.domain import Event, EventDetails, Series
from events.tables import events, registrations, series
from shared.places import places


def _event(row: Any) -> Event:
    return Event(
        id=row.id,
        state=row.state,
        version=row.version,
        details=EventDetails(
            kind=row.kind,
            title=dict(row.title),
            description=dict(row.description),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            online=row.online,
            join_url=row.join_url,
            address=row.address,
            municipality=row.municipality,
            capacity=row.capacity,
            registration_opens_at=row.registration_opens_at,
            registration_closes_at=row.registration_closes_at,
            languages=tuple(row.languages),
            topics=tuple(row.topics),
            organiser=row.organiser,
            audience=row.audience,
            series_id=row.series_id,
            feedback_survey_id=row.feedback_survey_id,
            feedback_anonymous=row.feedback_anonymous,
        ),
    )


def _values(event: Event) -> dict[str, Any]:
    d = event.details
    return {
        "series_id": d.series_id,
        "kind": d.kind,
        "state": event.state,
        "title": d.title,
        "description": d.description,
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "online": d.online,
        "join_url": d.join_url,
        "address": d.address,
        "municipality": d.municipality,
        "region": places().region_of(d.municipality),
        "capacity": d.capacity,
        "registration_opens_at": d.registration_opens_at,
        "registration_closes_at": d.registration_closes_at,
        "languages": list(d.languages),
        "topics": list(d.topics),
        "organiser": d.organiser,
        "audience": d.audience,
        "feedback_survey_id": d.feedback_survey_id,
        "feedback_anonymous": d.feedback_anonymous,
        "version": event.version,
    }


@dataclass(frozen=True)
class Filters:
    """What the public calendar narrows by (all optional)."""

    kind: str | None = None
    region: str | None = None
    municipality: str | None = None
    language: str | None = None
    online: bool | None = None
    topic: str | None = None
    series_id: uuid.UUID | None = None


class SqlEventRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(
        self, event: Event, *, submitter: tuple[str, str] | None = None, language: str = "fi"
    ) -> None:
        name, email = submitter or (None, None)
        await self.conn.execute(
            insert(events).values(
                id=event.id,
                submitter_name=name,
                submitter_email=email,
                submitter_language=language if submitter else None,
                **_values(event),
            )
        )

    async def submitter(self, event_id: uuid.UUID) -> tuple[str, str, str] | None:
        """(name, address, language) of a partner's submission; None for staff's events."""
        e = events
        row = (
            await self.conn.execute(
                select(e.c.submitter_name, e.c.submitter_email, e.c.submitter_language).where(
                    e.c.id == event_id
                )
            )
        ).first()
        if row is None or not row.submitter_email:
            return None
        return (
            str(row.submitter_name or ""),
            str(row.submitter_email),
            str(row.submitter_language or "fi"),
        )

    async def get(self, event_id: uuid.UUID, *, for_update: bool = False) -> Event | None:
        query = select(events).where(events.c.id == event_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return _event(row) if row else None

    async def update(self, event: Event) -> None:
        await self.conn.execute(
            update(events)
            .where(events.c.id == event.id)
            .values(**_values(event), updated_at=func.now())
        )

    async def listing(self) -> list[Event]:
        rows = await self.conn.execute(select(events).order_by(events.c.starts_at.desc()))
        return [_event(r) for r in rows]

    async def upcoming(self, now: datetime, filters: Filters, *, limit: int) -> list[Event]:
        query = select(events).where(events.c.state == "published", events.c.ends_at > now)
        if filters.kind:
            query = query.where(events.c.kind == filters.kind)
        if filters.region:
            query = query.where(events.c.region == filters.region)
        if filters.municipality:
            query = query.where(events.c.municipality == filters.municipality)
        if filters.language:
            query = query.where(events.c.languages.contains([filters.language]))
        if filters.online is not None:
            query = query.where(events.c.online.is_(filters.online))
        if filters.topic:
            query = query.where(events.c.topics.contains([filters.topic]))
        if filters.series_id:
            query = query.where(events.c.series_id == filters.series_id)
        rows = await self.conn.execute(query.order_by(events.c.starts_at).limit(limit))
        return [_event(r) for r in rows]

    async def activity_by_region(self, series_id: uuid.UUID) -> list[tuple[str | None, int, int]]:
        """(region code or None for online, published events, live registrations) of a series."""
        live = (
            select(registrations.c.event_id, func.count().label("n"))
            .where(registrations.c.state != "cancelled")
            .group_by(registrations.c.event_id)
            .subquery()
        )
        rows = await self.conn.execute(
            select(
                events.c.region,
                func.count(events.c.id),
                func.coalesce(func.sum(live.c.n), 0),
            )
            .select_from(events.outerjoin(live, live.c.event_id == events.c.id))
            .where(events.c.series_id == series_id, events.c.state == "published")
            .group_by(events.c.region)
        )
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    async def topics_in_use(self, now: datetime) -> list[str]:
        topic = func.unnest(events.c.topics).label("topic")
        rows = await self.conn.execute(
            select(topic).where(events.c.state == "published", events.c.ends_at > now).distinct()
        )
        return sorted(r.topic for r in rows)


def _series(row: Any) -> Series:
    return Series(id=row.id, slug=row.slug, name=dict(row.name), description=dict(row.description))


class SqlSeriesRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, item: Series) -> None:
        await self.conn.execute(
            insert(series).values(
                id=item.id, slug=item.slug, name=item.name, description=item.description
            )
        )

    async def update(self, item: Series) -> None:
        await self.conn.execute(
            update(series)
            .where(series.c.id == item.id)
            .values(
                slug=item.slug, name=item.name, description=item.description, updated_at=func.now()
            )
        )

    async def get(self, series_id: uuid.UUID) -> Series | None:
        row = (await self.conn.execute(select(series).where(series.c.id == series_id))).first()
        return _series(row) if row else None

    async def by_slug(self, slug: str) -> Series | None:
        row = (await self.conn.execute(select(series).where(series.c.slug == slug))).first()
        return _series(row) if row else None

    async def listing(self) -> list[Series]:
        rows = await self.conn.execute(select(series).order_by(series.c.slug))
        return [_series(r) for r in rows]
