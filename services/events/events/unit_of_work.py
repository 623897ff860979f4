"""Events' typed unit of work: named repositories over one transaction, events to the outbox.

Use cases take an `EventsUnitOfWork` and open it themselves (`async with uow:`); routes get one
through `deps.UnitOfWork`. Unit tests use the in-memory fake in `tests/unit/fakes/events.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from events.catalog.domain import Event, Series
from events.catalog.repository import Filters, SqlEventRepository, SqlSeriesRepository
from events.feedback.domain import FeedbackStatus, FeedbackSurvey
from events.feedback.repository import SqlFeedbackRepository
from events.registration.domain import Registrant
from events.registration.repository import (
    ErasureRepository,
    SqlErasureRepository,
    SqlRegistrationRepository,
)
from events.tables import outbox
from shared.outbox.unit_of_work import HeldTransaction, OutboxUnitOfWork, UnitOfWork


class EventRepository(Protocol):
    async def add(
        self, event: Event, *, submitter: tuple[str, str] | None = None, language: str = "fi"
    ) -> None: ...
    async def submitter(self, event_id: uuid.UUID) -> tuple[str, str, str] | None: ...
    async def get(self, event_id: uuid.UUID, *, for_update: bool = False) -> Event | None: ...
    async def update(self, event: Event) -> None: ...
    async def listing(self) -> list[Event]: ...
    async def upcoming(self, now: datetime, filters: Filters, *, limit: int) -> list[Event]: ...
    async def topics_in_use(self, now: datetime) -> list[str]: ...
    async def activity_by_region(
        self, series_id: uuid.UUID
    ) -> list[tuple[str | None, int, int]]: ...


class SeriesRepository(Protocol):
    async def add(self, item: Series) -> None: ...
    async def update(self, item: Series) -> None: ...
    async def get(self, series_id: uuid.UUID) -> Series | None: ...
    async def by_slug(self, slug: str) -> Series | None: ...
    async def listing(self) -> list[Series]: ...


class RegistrationRepository(Protocol):
    async def add(
        self,
        *,
        registration_id: uuid.UUID,
        event_id: uuid.UUID,
        state: str,
        registrant: Registrant,
        contact_id: uuid.UUID | None,
        now: datetime,
    ) -> None: ...
    async def live_of(self, event_id: uuid.UUID, email: str) -> Any: ...
    async def get(self, registration_id: uuid.UUID) -> Any: ...
    async def count_registered(self, event_id: uuid.UUID) -> int: ...
    async def waiting(self, event_id: uuid.UUID) -> list[uuid.UUID]: ...
    async def set_state(self, ids: Sequence[uuid.UUID], state: str, now: datetime) -> list[Any]: ...
    async def of_event(self, event_id: uuid.UUID) -> list[Any]: ...
    async def counts(self, event_id: uuid.UUID) -> dict[str, int]: ...
    async def known_person(self, email: str) -> uuid.UUID | None: ...
    async def due_reminders(self, now: datetime, offset: int, *, limit: int) -> list[Any]: ...
    async def mark_reminded(self, registration_id: uuid.UUID, offsets: list[int]) -> None: ...
    async def set_attended(
        self, ids: Sequence[uuid.UUID], attended_at: datetime | None
    ) -> list[Any]: ...


class FeedbackRepository(Protocol):
    async def surveys(self, lang: str = "fi") -> list[FeedbackSurvey]: ...
    async def survey(self, survey_id: uuid.UUID) -> FeedbackSurvey | None: ...
    async def status(self, event_id: uuid.UUID) -> FeedbackStatus | None: ...
    async def due(self, now: datetime, max_age: timedelta, *, limit: int) -> list[Any]: ...
    async def mark_requested(self, ids: Sequence[uuid.UUID], now: datetime) -> None: ...
    async def requested_count(self, event_id: uuid.UUID) -> int: ...


class EventsUnitOfWork(OutboxUnitOfWork, Protocol):
    @property
    def events(self) -> EventRepository: ...
    @property
    def series(self) -> SeriesRepository: ...
    @property
    def registrations(self) -> RegistrationRepository: ...
    @property
    def feedback(self) -> FeedbackRepository: ...
    @property
    def erasure(self) -> ErasureRepository: ...


class SqlEventsUnitOfWork(UnitOfWork):
    """The shared outbox unit of work with events' repositories on its connection."""

    events: SqlEventRepository
    series: SqlSeriesRepository
    registrations: SqlRegistrationRepository
    feedback: SqlFeedbackRepository
    erasure: SqlErasureRepository

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, outbox=outbox, service="events")

    def open_repositories(self, conn: AsyncConnection) -> None:
        self.events = SqlEventRepository(conn)
        self.series = SqlSeriesRepository(conn)
        self.registrations = SqlRegistrationRepository(conn)
        self.feedback = SqlFeedbackRepository(conn)
        self.erasure = SqlErasureRepository(conn)


class JoinedEventsUnitOfWork(HeldTransaction, SqlEventsUnitOfWork):
    """Events' unit of work inside a transaction a consumer holds (shared HeldTransaction):
    the contact replica's erasure hook gets it on the batch's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn.engine)
        self._held = conn


def unit_of_work(engine: AsyncEngine) -> SqlEventsUnitOfWork:
    return SqlEventsUnitOfWork(engine)
