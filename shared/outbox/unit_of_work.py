"""One database transaction per use case; events queued in it go to the outbox on commit."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.envelope import CloudEvent
from shared.outbox.writer import add_to_outbox


class Publisher(Protocol):
    """What publishing an event needs: a unit of work (real or fake) queues it for the outbox."""

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None: ...


class OutboxUnitOfWork(Publisher, Protocol):
    """What every service's typed unit of work has besides its named repositories: a
    transaction opened by `async with`, events queued by `publish` and written to the outbox
    by `commit`. A service's Protocol adds its repositories:
    `class EventsUnitOfWork(OutboxUnitOfWork, Protocol)`."""

    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class UnitOfWork:
    """The SQL unit of work. A service's typed one subclasses it and attaches its
    repositories to the new connection in `open_repositories`."""

    def __init__(self, engine: AsyncEngine, *, outbox: Table, service: str) -> None:
        self._engine = engine
        self._outbox = outbox
        self._service = service
        self._conn: AsyncConnection | None = None
        self._messages: list[tuple[str, str | None, CloudEvent]] = []

    @property
    def conn(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._conn

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        """Queue an event; it is written to the outbox by commit(), in the same transaction."""
        self._messages.append((topic, key, event))

    async def commit(self) -> None:
        await add_to_outbox(self.conn, self._outbox, service=self._service, messages=self._messages)
        self._messages.clear()
        await self.conn.commit()

    async def __aenter__(self) -> Self:
        self._messages = []  # a new transaction: events of an earlier, failed one never leave
        self._conn = await self._engine.connect()
        await self._conn.begin()
        self.open_repositories(self._conn)
        return self

    def open_repositories(self, conn: AsyncConnection) -> None:
        """Called on entering, with the transaction's connection; nothing here."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self.conn, None
        try:
            if conn.in_transaction():
                await conn.rollback()  # not committed: nothing, not even an event, leaves
        finally:
            await conn.close()


class HeldTransaction(UnitOfWork):
    """A service's typed unit of work over a transaction its caller owns: a Kafka consumer's
    (shared/consuming.py holds it with the inbox row and commits it with the offset).
    Entering opens nothing and binds the repositories to that connection; commit() only
    writes the queued events to the outbox in it, so the effect, its events, the inbox row
    and the offset commit together or not at all. Put it first among the bases:
    `class ConsumerUnitOfWork(HeldTransaction, SqlSurveysUnitOfWork)`, and set `_held`."""

    _held: AsyncConnection

    async def __aenter__(self) -> Self:
        self._messages = []
        self._conn = self._held
        self.open_repositories(self._held)
        return self

    async def commit(self) -> None:
        await add_to_outbox(self.conn, self._outbox, service=self._service, messages=self._messages)
        self._messages.clear()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._messages = []  # the owner ends the transaction, not the use case
        self._conn = None
