"""A redelivered event (same id) changes nothing; failures retry, then park on the DLQ."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from contacts.tables import inbox
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.consuming import Consumption, Record
from shared.events.contacts import ContactActivityV1
from shared.events.envelope import CloudEvent, new_event


@dataclass
class FakeRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


@dataclass
class ParkedList:
    parked: list[tuple[Record, str, int]] = field(default_factory=list)

    async def park(self, record: Record, error: BaseException, attempts: int) -> None:
        self.parked.append((record, repr(error), attempts))


def record_of(event: CloudEvent, offset: int = 0) -> FakeRecord:
    return FakeRecord("t", 0, offset, b"k", event.value_bytes(), event.to_headers())


async def count_marks(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM _effects"))).scalar_one())


@pytest.fixture
async def effects(clean_db: dict[str, AsyncEngine]) -> AsyncEngine:
    engine = clean_db["contacts"]
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE IF EXISTS _effects"))
        await conn.execute(text("CREATE TABLE _effects (event_id uuid)"))
    return engine


async def mark(conn: AsyncConnection, event: CloudEvent) -> None:
    await conn.execute(text("INSERT INTO _effects VALUES (:i)"), {"i": event.id})


def activity() -> CloudEvent:
    return new_event(
        source="/t",
        data=ContactActivityV1(
            contact_id=uuid.uuid4(), kind="subscribed", occurred_at="2026-11-28T10:00:00+00:00"
        ),
    )


async def test_same_event_twice_has_one_effect(effects: AsyncEngine) -> None:
    sink = ParkedList()
    consumption = Consumption(
        consumer="c1",
        engine=effects,
        handler=mark,
        dead_letters=sink,
        inbox=inbox,
        retries=1,
        backoff_s=0,
    )
    event = activity()
    await consumption.one(record_of(event))
    await consumption.one(record_of(event, offset=1))
    await consumption.one(record_of(activity(), offset=2))
    assert await count_marks(effects) == 2
    assert sink.parked == []


async def test_a_failing_handler_leaves_no_inbox_row_and_parks_after_retries(
    effects: AsyncEngine,
) -> None:
    calls = 0

    async def explode(conn: AsyncConnection, event: CloudEvent) -> None:
        nonlocal calls
        calls += 1
        await mark(conn, event)
        raise RuntimeError("bug in handler")

    sink = ParkedList()
    consumption = Consumption(
        consumer="c2",
        engine=effects,
        handler=explode,
        dead_letters=sink,
        inbox=inbox,
        retries=2,
        backoff_s=0,
    )
    await consumption.one(record_of(activity()))
    assert calls == 3
    assert await count_marks(effects) == 0  # every attempt rolled back, effect and inbox alike
    assert len(sink.parked) == 1 and "bug in handler" in sink.parked[0][1]
    async with effects.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM inbox"))).scalar_one() == 0


async def test_an_outage_is_raised_not_parked(effects: AsyncEngine) -> None:
    async def outage(conn: AsyncConnection, event: CloudEvent) -> None:
        raise ConnectionRefusedError("database went away")

    sink = ParkedList()
    consumption = Consumption(
        consumer="c3",
        engine=effects,
        handler=outage,
        dead_letters=sink,
        inbox=inbox,
        retries=1,
        backoff_s=0,
    )
    with pytest.raises(ConnectionRefusedError):
        await consumption.one(record_of(activity()))
    assert sink.parked == []
