"""Events' typed unit of work: named repositories over one transaction, events to the outbox.

Use cases take an `EventsUnitOfWork` and open it themselves (`async with uow:`); routes get one
through `deps.UnitOfWork`. Unit tests use the in-memory fake in `tests/unit/fakes/events.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from sqlalchemy.ext.asyncio import AsyncEngine

from events.catalog.domain import Event, Series
from events.catalog.repository import Filters, SqlEventRepository, SqlSeriesRepository
from events.registration.domain import Registrant
from events.registration.repository import SqlRegistrationRepository
from events.tables import outbox
from shared.events.envelope import CloudEvent
from shared.outbox.unit_of_work import UnitOfWork


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


class EventsUnitOfWork(Protocol):
    @property
    def events(self) -> EventRepository: ...
    @property
    def series(self) -> SeriesRepository: ...
    @property
    def registrations(self) -> RegistrationRepository: ...

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class SqlEventsUnitOfWork(UnitOfWork):
    """The shared outbox unit of work with events' repositories on its connection."""

    events: SqlEventRepository
    series: SqlSeriesRepository
    registrations: SqlRegistrationRepository

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, outbox=outbox, service="events")

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.events = SqlEventRepository(self.conn)
        self.series = SqlSeriesRepository(self.conn)
        self.registrations = SqlRegistrationRepository(self.conn)
        return self


def unit_of_work(engine: AsyncEngine) -> SqlEventsUnitOfWork:
    return SqlEventsUnitOfWork(engine)
