"""A redelivered event (same id) changes nothing; failures retry, then park on the DLQ."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.tables import inbox
from contacts.unit_of_work import ContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.consuming import Consumption, Record, bare_connection
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


def consuming(
    effects: AsyncEngine,
    sink: ParkedList,
    consumer: str,
    handler: Any,
    *,
    unit_of_work: Any = bare_connection,
    retries: int = 1,
) -> Consumption[Any]:
    """Contacts' inbox consumption of `handler` on `effects`, parking into `sink`, no backoff."""
    return Consumption(
        consumer=consumer,
        engine=effects,
        unit_of_work=unit_of_work,
        handler=handler,
        dead_letters=sink,
        inbox=inbox,
        retries=retries,
        backoff_s=0,
    )


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
    consumption = consuming(effects, sink, "c1", mark)
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
    consumption = consuming(effects, sink, "c2", explode, retries=2)
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
    consumption = consuming(effects, sink, "c3", outage)
    with pytest.raises(ConnectionRefusedError):
        await consumption.one(record_of(activity()))
    assert sink.parked == []


async def outbox_rows(engine: AsyncEngine, event: CloudEvent) -> int:
    async with engine.connect() as conn:
        query = text("SELECT count(*) FROM outbox WHERE event_id = :i")
        return int((await conn.execute(query, {"i": event.id})).scalar_one())


async def inbox_rows(conn: AsyncConnection, event: CloudEvent) -> int:
    query = text("SELECT count(*) FROM inbox WHERE event_id = :i")
    return int((await conn.execute(query, {"i": event.id})).scalar_one())


async def test_the_handlers_unit_of_work_holds_the_inbox_claim_and_rolls_back_with_it(
    effects: AsyncEngine,
) -> None:
    """The unit of work a handler is given (contacts' joined one, `unit_of_work=`) is on the
    attempt's transaction: it sees the inbox claim nobody else sees yet, and a failure rolls
    back the claim, its effect and its outbox row together; the retry commits them once."""
    seen: list[tuple[int, int]] = []
    given: list[JoinedContactsUnitOfWork] = []

    async def handler(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        assert isinstance(uow, JoinedContactsUnitOfWork)
        given.append(uow)
        async with uow:
            async with effects.connect() as elsewhere:
                seen.append((await inbox_rows(uow.conn, event), await inbox_rows(elsewhere, event)))
            await uow.conn.execute(text("INSERT INTO _effects VALUES (:i)"), {"i": event.id})
            uow.publish("contacts.events.v1", "k", event)
            await uow.commit()
        if len(given) == 1:
            raise RuntimeError("first attempt fails after writing")

    sink = ParkedList()
    consumption = consuming(effects, sink, "c4", handler, unit_of_work=JoinedContactsUnitOfWork)
    event = activity()
    await consumption.one(record_of(event))
    assert seen == [(1, 0), (1, 0)]  # its own claim inside, nothing outside before commit
    assert len(given) == 2 and given[0] is not given[1]
    assert await count_marks(effects) == 1
    assert await outbox_rows(effects, event) == 1
    async with effects.connect() as conn:
        assert await inbox_rows(conn, event) == 1
    assert sink.parked == []

    # Redelivered: the claim fails, the handler is not called, nothing is written again.
    await consumption.one(record_of(event, offset=1))
    assert len(given) == 2
    assert await count_marks(effects) == 1 and await outbox_rows(effects, event) == 1


async def test_a_handler_that_keeps_failing_leaves_no_claim_effect_or_outbox_row(
    effects: AsyncEngine,
) -> None:
    async def handler(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        async with uow:
            uow.publish("contacts.events.v1", "k", event)
            await uow.commit()
            raise RuntimeError("bug after the outbox row")

    sink = ParkedList()
    consumption = consuming(effects, sink, "c5", handler, unit_of_work=JoinedContactsUnitOfWork)
    event = activity()
    await consumption.one(record_of(event))
    assert len(sink.parked) == 1
    assert await outbox_rows(effects, event) == 0
    async with effects.connect() as conn:
        assert await inbox_rows(conn, event) == 0
