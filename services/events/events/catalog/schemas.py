"""Request and response models of the events API (times in ISO 8601; a time without an
offset is Finnish time)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from events.catalog.domain import Event, EventDetails, Series, local_to_utc


def _moment(value: datetime, field: str) -> datetime:
    return local_to_utc(value, field=field)


class EventIn(BaseModel):
    kind: str = Field(max_length=40)
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    starts_at: datetime
    ends_at: datetime
    online: bool
    join_url: str | None = Field(None, max_length=500)
    address: str | None = Field(None, max_length=300)
    municipality: str | None = Field(None, max_length=3)
    capacity: int | None = Field(None, ge=1, le=100_000)
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    languages: list[str] = Field(default_factory=lambda: ["fi"], max_length=3)
    topics: list[str] = Field(default_factory=list, max_length=20)
    organiser: str = Field("", max_length=200)
    audience: str = Field("", max_length=300)
    series_id: uuid.UUID | None = None
    feedback_survey_id: uuid.UUID | None = None
    feedback_anonymous: bool = True
    publish: bool = False

    def details(self) -> EventDetails:
        opens, closes = self.registration_opens_at, self.registration_closes_at
        return EventDetails(
            kind=self.kind,
            title=self.title,
            description=self.description,
            starts_at=_moment(self.starts_at, "starts_at"),
            ends_at=_moment(self.ends_at, "ends_at"),
            online=self.online,
            join_url=self.join_url,
            address=self.address,
            municipality=self.municipality,
            capacity=self.capacity,
            registration_opens_at=_moment(opens, "registration_opens_at") if opens else None,
            registration_closes_at=_moment(closes, "registration_closes_at") if closes else None,
            languages=tuple(self.languages),
            topics=tuple(self.topics),
            organiser=self.organiser,
            audience=self.audience,
            series_id=self.series_id,
            feedback_survey_id=self.feedback_survey_id,
            feedback_anonymous=self.feedback_anonymous,
        )


class DeclineIn(BaseModel):
    """Why a partner's submission is declined: mailed to the partner as it is."""

    reason: str = Field("", max_length=2000)


class SeriesIn(BaseModel):
    slug: str = Field(max_length=80)
    name: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)


def event_out(event: Event) -> dict[str, Any]:
    d = event.details
    return {
        "id": str(event.id),
        "state": event.state,
        "version": event.version,
        "kind": d.kind,
        "title": d.title,
        "description": d.description,
        "starts_at": d.starts_at.isoformat(),
        "ends_at": d.ends_at.isoformat(),
        "online": d.online,
        "join_url": d.join_url,
        "address": d.address,
        "municipality": d.municipality,
        "capacity": d.capacity,
        "registration_opens_at": d.registration_opens_at.isoformat()
        if d.registration_opens_at
        else None,
        "registration_closes_at": d.registration_closes_at.isoformat()
        if d.registration_closes_at
        else None,
        "languages": list(d.languages),
        "topics": list(d.topics),
        "organiser": d.organiser,
        "audience": d.audience,
        "series_id": str(d.series_id) if d.series_id else None,
        "feedback_survey_id": str(d.feedback_survey_id) if d.feedback_survey_id else None,
        "feedback_anonymous": d.feedback_anonymous,
    }


def series_out(item: Series) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "slug": item.slug,
        "name": item.name,
        "description": item.description,
    }
