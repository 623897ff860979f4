"""A consumer hands its handler the service's unit of work on the transaction of the attempt.

`Consumption` opens a transaction per attempt, claims the inbox row in it, then builds the
handler's unit of work (`unit_of_work=JoinedContactsUnitOfWork`) on that same transaction: the
claim, the handler's effect and its outbox rows go to one connection, and a failed attempt
leaves with the transaction (rolled back) so the next attempt gets a new transaction and a new
unit of work. No database: the fake engine's connections record what reaches them; that
PostgreSQL really rolls the three back together is tests/integration/test_inbox.py's.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.tables import inbox
from contacts.unit_of_work import ContactsUnitOfWork

from shared.consuming import Consumption, Record
from shared.events.contacts import ContactActivityV1
from shared.events.envelope import CloudEvent, new_event

pytestmark = pytest.mark.unit


class Claimed:
    """What `claim_event`'s INSERT ... RETURNING answers the first time: one row."""

    def first(self) -> tuple[uuid.UUID]:
        return (uuid.UUID(int=1),)


class FakeConnection:
    """One transaction's connection: records the tables it wrote to, in order."""

    def __init__(self, number: int, engine: FakeEngine) -> None:
        self.number = number
        self.engine = engine
        self.wrote: list[str] = []

    async def execute(self, statement: Any, *args: Any) -> Claimed:
        table = getattr(statement, "table", None)
        self.wrote.append(table.name if table is not None else str(statement))
        return Claimed()


@dataclass
class FakeEngine:
    connections: list[FakeConnection] = field(default_factory=list)
    rolled_back: list[int] = field(default_factory=list)
    committed: list[int] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[FakeConnection]:
        conn = FakeConnection(len(self.connections) + 1, self)
        self.connections.append(conn)
        try:
            yield conn
        except BaseException:
            self.rolled_back.append(conn.number)
            raise
        self.committed.append(conn.number)


@dataclass
class Parked:
    errors: list[str] = field(default_factory=list)

    async def park(self, record: Record, error: BaseException, attempts: int) -> None:
        self.errors.append(f"{type(error).__name__} after {attempts}")


@dataclass
class FakeRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes | None]]


def record() -> tuple[CloudEvent, FakeRecord]:
    event = new_event(
        source="/t",
        data=ContactActivityV1(
            contact_id=uuid.UUID(int=7), kind="subscribed", occurred_at="2026-11-28T10:00:00+00:00"
        ),
    )
    return event, FakeRecord("t", 0, 0, b"k", event.value_bytes(), list(event.to_headers()))


class Handler:
    """A contacts handler: works through the unit of work it is given, fails `failures` times."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.given: list[tuple[ContactsUnitOfWork, Any]] = []

    async def __call__(self, uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        async with uow:
            self.given.append(
                (uow, uow.conn if isinstance(uow, JoinedContactsUnitOfWork) else None)
            )
            uow.publish("contacts.events.v1", "k", event)
            await uow.commit()
        if len(self.given) <= self.failures:
            raise RuntimeError("the handler's bug")


def consumption(engine: FakeEngine, handler: Handler, sink: Parked) -> Consumption[Any]:
    return Consumption(
        consumer="contacts.probe",
        engine=engine,  # type: ignore[arg-type]
        unit_of_work=JoinedContactsUnitOfWork,
        handler=handler,
        dead_letters=sink,
        inbox=inbox,
        retries=2,
        backoff_s=0,
    )


async def test_the_handler_gets_its_unit_of_work_on_the_transaction_of_the_inbox_claim() -> None:
    engine, handler, sink = FakeEngine(), Handler(failures=0), Parked()
    _, rec = record()
    await consumption(engine, handler, sink).one(rec)
    ((uow, conn),) = handler.given
    assert isinstance(uow, JoinedContactsUnitOfWork)
    (only,) = engine.connections
    assert conn is only  # the unit of work's connection is the consumer's transaction
    # The claim first, then what the handler wrote through the unit of work (its outbox row
    # and the relay's wake-up), all on that one connection, committed once.
    assert only.wrote[:2] == ["inbox", "outbox"]
    assert engine.committed == [1] and engine.rolled_back == []
    assert sink.errors == []


async def test_a_failed_attempt_rolls_back_and_the_retry_gets_a_new_unit_of_work() -> None:
    engine, handler, sink = FakeEngine(), Handler(failures=2), Parked()
    _, rec = record()
    await consumption(engine, handler, sink).one(rec)
    # Three attempts, three transactions: the first two (claim + outbox row each) rolled back,
    # the third committed; each attempt's unit of work is a new one on its own transaction.
    assert [c.wrote[:2] for c in engine.connections] == [["inbox", "outbox"]] * 3
    assert engine.rolled_back == [1, 2] and engine.committed == [3]
    uows = [uow for uow, _ in handler.given]
    assert len({id(u) for u in uows}) == 3
    assert [conn for _, conn in handler.given] == engine.connections
    assert sink.errors == []


async def test_a_handler_that_keeps_failing_commits_nothing_and_is_parked() -> None:
    engine, handler, sink = FakeEngine(), Handler(failures=10), Parked()
    _, rec = record()
    await consumption(engine, handler, sink).one(rec)
    assert engine.committed == [] and engine.rolled_back == [1, 2, 3]
    assert sink.errors == ["RuntimeError after 3"]
