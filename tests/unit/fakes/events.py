"""In-memory fakes of events' unit of work and its repositories (events, series,
registrations, feedback).

Rows are mutable records with the attributes the SQL rows have. The fakes apply the same
filters as the SQL (`due_reminders`, `feedback.due`), not the rules: those are the use
cases' and the domain's. Events published in the unit of work reach `published` only on
commit, as the outbox does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from events.catalog.domain import Event, Series
from events.feedback.domain import ERASED_SUFFIX, FeedbackStatus, FeedbackSurvey
from events.registration.domain import Registrant

from tests.unit.fakes.events_erasure import FakeErasure
from tests.unit.fakes.outbox import FakeOutbox


@dataclass
class RegistrationRow:
    id: uuid.UUID
    event_id: uuid.UUID
    state: str
    name: str
    email: str
    organisation: str
    accessibility_needs: str
    language: str
    contact_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    consented_at: datetime | None = None
    cancelled_at: datetime | None = None
    attended_at: datetime | None = None
    reminders_sent: list[int] = field(default_factory=list)
    feedback_requested_at: datetime | None = None


class FakeEventRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Event] = {}

    async def add(
        self, event: Event, *, submitter: tuple[str, str] | None = None, language: str = "fi"
    ) -> None:
        self.rows[event.id] = event

    async def submitter(self, event_id: uuid.UUID) -> tuple[str, str, str] | None:
        return None

    async def get(self, event_id: uuid.UUID, *, for_update: bool = False) -> Event | None:
        return self.rows.get(event_id)

    async def update(self, event: Event) -> None:
        self.rows[event.id] = event

    async def listing(self) -> list[Event]:
        return list(self.rows.values())

    async def upcoming(self, now: datetime, filters: Any, *, limit: int) -> list[Event]:
        found = [e for e in self.rows.values() if e.state == "published"]
        return sorted(
            (e for e in found if e.details.ends_at >= now), key=lambda e: e.details.starts_at
        )[:limit]

    async def topics_in_use(self, now: datetime) -> list[str]:
        return sorted(
            {t for e in await self.upcoming(now, None, limit=10_000) for t in e.details.topics}
        )

    async def activity_by_region(self, series_id: uuid.UUID) -> list[tuple[str | None, int, int]]:
        return []


class FakeSeriesRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Series] = {}

    async def add(self, item: Series) -> None:
        self.rows[item.id] = item

    async def update(self, item: Series) -> None:
        self.rows[item.id] = item

    async def get(self, series_id: uuid.UUID) -> Series | None:
        return self.rows.get(series_id)

    async def by_slug(self, slug: str) -> Series | None:
        return next((s for s in self.rows.values() if s.slug == slug), None)

    async def listing(self) -> list[Series]:
        return list(self.rows.values())


class FakeRegistrationRepository:
    def __init__(self, events: FakeEventRepository) -> None:
        self.rows: dict[uuid.UUID, RegistrationRow] = {}
        self.people: dict[str, uuid.UUID] = {}  # the contact replica: email -> contact id
        self._events = events

    async def add(
        self,
        *,
        registration_id: uuid.UUID,
        event_id: uuid.UUID,
        state: str,
        registrant: Registrant,
        contact_id: uuid.UUID | None,
        now: datetime,
    ) -> None:
        self.rows[registration_id] = RegistrationRow(
            id=registration_id,
            event_id=event_id,
            state=state,
            name=registrant.name,
            email=registrant.email,
            organisation=registrant.organisation,
            accessibility_needs=registrant.accessibility_needs,
            language=registrant.language,
            contact_id=contact_id,
            consented_at=now,
            created_at=now,
            updated_at=now,
        )

    def _ordered(self, event_id: uuid.UUID) -> list[RegistrationRow]:
        rows = [r for r in self.rows.values() if r.event_id == event_id]
        return sorted(rows, key=lambda r: (r.created_at, r.id))

    async def live_of(self, event_id: uuid.UUID, email: str) -> Any:
        return next(
            (r for r in self._ordered(event_id) if r.email == email and r.state != "cancelled"),
            None,
        )

    async def get(self, registration_id: uuid.UUID) -> Any:
        return self.rows.get(registration_id)

    async def count_registered(self, event_id: uuid.UUID) -> int:
        return sum(1 for r in self._ordered(event_id) if r.state == "registered")

    async def waiting(self, event_id: uuid.UUID) -> list[uuid.UUID]:
        return [r.id for r in self._ordered(event_id) if r.state == "waitlisted"]

    async def set_state(self, ids: Sequence[uuid.UUID], state: str, now: datetime) -> list[Any]:
        changed = []
        for registration_id in ids:
            row = self.rows[registration_id]
            row.state, row.updated_at = state, now
            if state == "cancelled":
                row.cancelled_at = now
            changed.append(replace(row))
        return changed

    async def of_event(self, event_id: uuid.UUID) -> list[Any]:
        return self._ordered(event_id)

    async def counts(self, event_id: uuid.UUID) -> dict[str, int]:
        found: dict[str, int] = {}
        for row in self._ordered(event_id):
            found[row.state] = found.get(row.state, 0) + 1
        return found

    async def known_person(self, email: str) -> uuid.UUID | None:
        return self.people.get(email)

    async def due_reminders(self, now: datetime, offset: int, *, limit: int) -> list[Any]:
        found = []
        for row in sorted(self.rows.values(), key=lambda r: str(r.event_id)):
            event = self._events.rows.get(row.event_id)
            if (
                event is not None
                and event.state == "published"
                and now < event.details.starts_at <= now + timedelta(hours=offset)
                and row.state == "registered"
                and offset not in row.reminders_sent
            ):
                found.append(row)
        return found[:limit]

    async def mark_reminded(self, registration_id: uuid.UUID, offsets: list[int]) -> None:
        self.rows[registration_id].reminders_sent += offsets

    async def set_attended(
        self, ids: Sequence[uuid.UUID], attended_at: datetime | None
    ) -> list[Any]:
        for registration_id in ids:
            self.rows[registration_id].attended_at = attended_at
        return [self.rows[i] for i in ids]


@dataclass(frozen=True)
class DueRow:
    """A row of `feedback.due`: the registration with its event's columns."""

    id: uuid.UUID
    event_id: uuid.UUID
    state: str
    email: str
    name: str
    language: str
    contact_id: uuid.UUID | None
    attended_at: datetime | None
    feedback_requested_at: datetime | None
    event_state: str
    title: dict[str, str]
    ends_at: datetime
    feedback_survey_id: uuid.UUID | None
    feedback_anonymous: bool


class FakeFeedbackRepository:
    def __init__(self, events: FakeEventRepository, registrations: FakeRegistrationRepository):
        self.survey_rows: dict[uuid.UUID, FeedbackSurvey] = {}
        self.statuses: dict[uuid.UUID, FeedbackStatus] = {}
        self._events = events
        self._registrations = registrations

    async def surveys(self, lang: str = "fi") -> list[FeedbackSurvey]:
        active = [s for s in self.survey_rows.values() if s.state == "active"]
        return sorted(active, key=lambda s: (s.title.get(lang, ""), str(s.id)))

    async def survey(self, survey_id: uuid.UUID) -> FeedbackSurvey | None:
        return self.survey_rows.get(survey_id)

    async def status(self, event_id: uuid.UUID) -> FeedbackStatus | None:
        return self.statuses.get(event_id)

    async def due(self, now: datetime, max_age: timedelta, *, limit: int) -> list[Any]:
        found = []
        for row in self._registrations.rows.values():
            event = self._events.rows.get(row.event_id)
            if event is None:
                continue
            d = event.details
            if (
                d.feedback_survey_id is not None
                and event.state == "published"
                and now - max_age <= d.ends_at <= now
                and row.state == "registered"
                and row.attended_at is not None
                and row.feedback_requested_at is None
                and not row.email.endswith(ERASED_SUFFIX)
            ):
                found.append(
                    DueRow(
                        id=row.id,
                        event_id=row.event_id,
                        state=row.state,
                        email=row.email,
                        name=row.name,
                        language=row.language,
                        contact_id=row.contact_id,
                        attended_at=row.attended_at,
                        feedback_requested_at=row.feedback_requested_at,
                        event_state=event.state,
                        title=d.title,
                        ends_at=d.ends_at,
                        feedback_survey_id=d.feedback_survey_id,
                        feedback_anonymous=d.feedback_anonymous,
                    )
                )
        return found[:limit]

    async def mark_requested(self, ids: Sequence[uuid.UUID], now: datetime) -> None:
        for registration_id in ids:
            self._registrations.rows[registration_id].feedback_requested_at = now

    async def requested_count(self, event_id: uuid.UUID) -> int:
        return sum(
            1
            for r in self._registrations.rows.values()
            if r.event_id == event_id and r.feedback_requested_at is not None
        )


class FakeEventsUnitOfWork(FakeOutbox):
    def __init__(self) -> None:
        super().__init__()
        self.events = FakeEventRepository()
        self.series = FakeSeriesRepository()
        self.registrations = FakeRegistrationRepository(self.events)
        self.feedback = FakeFeedbackRepository(self.events, self.registrations)
        self.erasure = FakeErasure()

    def on(self, topic: str) -> list[dict[str, Any]]:
        """The data of every committed event on `topic`."""
        return [dict(event.data or {}) for t, _, event in self.published if t == topic]
