"""Outcomes SMTP gave are kept until a write succeeds; none is dropped by a failed write."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from newsletter.delivery import worker
from newsletter.delivery.domain import Result
from newsletter.delivery.service import Attempt, storable
from newsletter.delivery.worker import Recorder
from newsletter.settings import NewsletterSettings

from shared.events.envelope import new_event
from shared.events.mail import MailEventV1
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork
from tests.unit.test_newsletter_outcome_events import outcome_event


class FlakyDatabase:
    """Stands in for record_outcomes: refuses the first `failures` writes."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.written: list[uuid.UUID] = []

    async def __call__(
        self, uow: Any, outcomes: Sequence[tuple[Attempt, Result]], **_: Any
    ) -> None:
        await asyncio.sleep(0)
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("the database is restarting")
        self.written.extend(a.delivery_id for a, _ in outcomes)


def units() -> contextlib.nullcontext[FakeNewsletterUnitOfWork]:
    """A unit of work per write (the database itself is `FlakyDatabase`)."""
    return contextlib.nullcontext(FakeNewsletterUnitOfWork())


def outcome() -> tuple[Attempt, Result]:
    delivery = uuid.uuid4()
    return Attempt(delivery, "campaign", None, None, "a@b.fi", 1), Result(delivery, "sent", 250)


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> NewsletterSettings:
    monkeypatch.setenv("NEWSLETTER_SECRET_KEY", "x" * 40)
    return NewsletterSettings(environment="development")


async def test_a_failed_write_keeps_every_outcome_until_a_retry_records_it(
    settings: NewsletterSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = FlakyDatabase(failures=2)
    monkeypatch.setattr(worker, "record_outcomes", database)
    monkeypatch.setattr(worker, "RECORD_BACKOFF_MAX_S", 0.01)
    recorder = Recorder(units=units, settings=settings)
    first = [outcome() for _ in range(3)]
    for item in first:
        recorder.add(*item)
    assert await recorder.flush() is False
    assert recorder.failing and recorder.waiting == 3
    later = outcome()
    recorder.add(*later)  # sent while the database was away
    assert await recorder.drain() is True
    assert not recorder.failing and recorder.waiting == 0
    assert sorted(database.written) == sorted(a.delivery_id for a, _ in [*first, later])


async def test_two_flushes_at_once_write_each_outcome_once(
    settings: NewsletterSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = FlakyDatabase(failures=1)
    monkeypatch.setattr(worker, "record_outcomes", database)
    recorder = Recorder(units=units, settings=settings)
    items = [outcome() for _ in range(5)]
    for item in items:
        recorder.add(*item)
    results = await asyncio.gather(recorder.flush(), recorder.flush())
    assert results == [False, True]  # the second one retried what the first could not write
    assert sorted(database.written) == sorted(a.delivery_id for a, _ in items)


def test_an_outcome_event_has_the_same_id_however_often_it_is_recorded() -> None:
    attempt, _ = outcome()
    data = MailEventV1(
        delivery_id=attempt.delivery_id,
        outcome="sent",
        occurred_at="2026-12-01T10:00:00+00:00",
        origin="campaign",
    )

    def event_id(of: Attempt) -> uuid.UUID:
        return outcome_event(of, "sent", new_event(source="/t", data=data)).id

    assert event_id(attempt) == event_id(attempt)
    next_attempt = Attempt(attempt.delivery_id, "campaign", None, None, "a@b.fi", 2)
    assert event_id(next_attempt) != event_id(attempt)


def test_an_smtp_reply_postgresql_would_refuse_becomes_storable_text() -> None:
    undecodable = b"550 no \xff\xfe such user".decode("utf-8", "surrogateescape")
    stored = storable(undecodable)
    assert stored is not None
    stored.encode("utf-8")  # lone surrogates would raise here, and in asyncpg
    assert stored.startswith("550 no ") and stored.endswith(" such user")
    assert storable("421 bye\x00now") == "421 byenow"
    assert storable(None) is None
