"""How every consumer handles a record: inbox, bounded retries with backoff, then the DLQ.

A message that fails for a deterministic reason (bad payload, a bug) is retried a few times
and then parked on `<topic>.dlq` with the error, so the partition moves on. A failure of the
infrastructure itself (database or network down) is not the message's fault: after the
retries it is raised, the offset is not committed, and the record is delivered again later.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.envelope import CloudEvent
from shared.events.topics import consumed_topic
from shared.logs import correlation_id
from shared.metrics import EVENTS_CONSUMED
from shared.outbox.inbox import claim_event
from shared.tracing import consume_batch_span, consume_span, note_outcome

log = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    OSError,
    TimeoutError,
)


class Record(Protocol):
    """What we need of a Kafka record (aiokafka's ConsumerRecord fits)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes | None]]


class DeadLetters(Protocol):
    async def park(self, record: Record, error: BaseException, attempts: int) -> None: ...


U = TypeVar("U")
"""What a handler works through: the service's typed unit of work joined to the record's
transaction (e.g. `JoinedContactsUnitOfWork`), or for a replica its repository."""

UnitOfWorkFactory = Callable[[AsyncConnection], U]
"""Builds a handler's `U` on the transaction the consumer opened (and holds the inbox row in):
the service's joined unit-of-work class itself, e.g. `JoinedContactsUnitOfWork`."""

Handler = Callable[[U, CloudEvent], Awaitable[None]]
BatchHandler = Callable[[U, list[CloudEvent]], Awaitable[None]]


def bare_connection(conn: AsyncConnection) -> AsyncConnection:
    """The factory of pure infrastructure (a shared replica's version-guarded upsert of rows,
    tests of the consumer itself): its handler gets the transaction's connection as it is."""
    return conn


async def raw_body(message: Any, original_decoder: Any = None) -> None:
    """A FastStream decoder that decodes nothing: handlers parse the raw records themselves,
    because a tombstone has no JSON body and a malformed record must reach the DLQ logic."""
    return None


def _readable(record: Any) -> Any:
    """A copy of an aiokafka record whose header values FastStream can decode as UTF-8."""
    headers = [(k, (v or b"").decode(errors="replace").encode()) for k, v in record.headers]
    return dataclasses.replace(record, headers=headers)


async def tolerant_parser(message: Any, original_parser: Callable[[Any], Awaitable[Any]]) -> Any:
    """A FastStream parser that cannot fail on a record's bytes.

    FastStream's own parser decodes every header value as UTF-8 before any handler runs; one
    header that is not UTF-8 (or has no value) used to fail the whole fetched batch, which
    was then never nacked and its offsets committed with the next success: records lost
    without a trace. Here FastStream parses readable copies, and the handlers get the
    records exactly as they arrived (`raw_message`), so the bad one reaches the DLQ.
    """
    # A batch: a tuple from aiokafka's getmany, a list from FastStream's test broker.
    if isinstance(message, (tuple, list)):
        # Of a batch, FastStream needs only what names it (headers of the first record, the
        # offsets of the first and last for its id): parsing just those spares decoding every
        # header of every record, which the handlers, reading `raw_message`, do not use.
        ends = (message[0], message[-1]) if len(message) > 1 else tuple(message)
        parsed = await original_parser(tuple(_readable(r) for r in ends))
    else:
        parsed = await original_parser(_readable(message))
    parsed.raw_message = message
    return parsed


# SQLSTATE classes and codes that say "the server, not this record": connection exceptions,
# insufficient resources, operator intervention (shutdown, "the database system is starting
# up"), and a transaction that lost a serialization or deadlock race.
TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57P")
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})


def is_transient(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and not isinstance(error, (OperationalError, InterfaceError)):
        sqlstate = str(getattr(error.orig, "sqlstate", None) or "")
        return (
            bool(error.connection_invalidated)
            or sqlstate in TRANSIENT_SQLSTATES
            or sqlstate.startswith(TRANSIENT_SQLSTATE_CLASSES)
        )
    return isinstance(error, TRANSIENT_ERRORS)


def dead_letter_headers(
    record: Record, error: BaseException, attempts: int, consumer: str
) -> list[tuple[str, bytes | None]]:
    """The record's own headers, byte for byte, and why and where it failed."""
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    return [
        *[(k, v) for k, v in record.headers if not k.startswith("dlq_")],
        ("dlq_error", detail[:2000].encode()),
        ("dlq_error_type", type(error).__name__.encode()),
        ("dlq_original_topic", consumed_topic(record.topic).encode()),
        ("dlq_original_partition", str(record.partition).encode()),
        ("dlq_original_offset", str(record.offset).encode()),
        ("dlq_consumer", consumer.encode()),
        ("dlq_attempts", str(attempts).encode()),
        ("dlq_failed_at", datetime.now(UTC).isoformat().encode()),
    ]


class Consumption(Generic[U]):
    """Runs one handler for one consumer name with the project's delivery guarantees.

    Each attempt opens a transaction, claims the inbox row in it, builds the handler's unit of
    work on it (`unit_of_work(conn)`) and calls `handler(uow, event)`: the claim, the effect
    and its outbox rows commit together, and a failed attempt rolls all of them back before
    the next attempt gets a new transaction and a new unit of work.
    """

    def __init__(
        self,
        *,
        consumer: str,
        engine: AsyncEngine,
        unit_of_work: UnitOfWorkFactory[U],
        handler: Handler[U],
        dead_letters: DeadLetters,
        inbox: Table | None,
        retries: int = 3,
        backoff_s: float = 0.2,
    ) -> None:
        self.consumer = consumer
        self._engine = engine
        self._unit_of_work = unit_of_work
        self._handler = handler
        self._dead_letters = dead_letters
        self._inbox = inbox
        self._retries = retries
        self._backoff_s = backoff_s

    async def one(self, record: Record) -> None:
        # The record's trace goes on here: the handler's SQL, and the events it queues.
        with consume_span(
            record.topic,
            record.headers,
            consumer=self.consumer,
            partition=record.partition,
            offset=record.offset,
        ):
            await self._one(record)

    async def _one(self, record: Record) -> None:
        event = await self._decoded(record)
        if event is None:
            return
        correlation_id.set(event.correlationid)  # logs of this work carry the origin's
        attempts = 0
        while True:
            attempts += 1
            try:
                async with self._engine.begin() as conn:
                    if self._inbox is not None and not await claim_event(
                        conn, self._inbox, consumer=self.consumer, event_id=event.id
                    ):
                        EVENTS_CONSUMED.labels(self.consumer, "duplicate").inc()
                        note_outcome("duplicate")
                        return  # redelivered: its effect is already committed
                    await self._handler(self._unit_of_work(conn), event)
                EVENTS_CONSUMED.labels(self.consumer, "applied").inc()
                note_outcome("applied")
                return
            except Exception as error:
                if attempts > self._retries:
                    if is_transient(error):
                        raise  # not the message's fault: leave the offset, try again later
                    await self._park(record, error, attempts)
                    return
                await asyncio.sleep(self._backoff_s * 2 ** (attempts - 1))

    async def _decoded(self, record: Record) -> CloudEvent | None:
        """The record's event; None once an undecodable record is parked (no retry can
        change its bytes)."""
        try:
            return CloudEvent.from_kafka(record.headers, record.value)
        except ValueError as error:
            await self._park(record, error, 1)
            return None

    async def _park(self, record: Record, error: BaseException, attempts: int) -> None:
        log.warning(
            "parking message on the DLQ",
            extra={
                "consumer": self.consumer,
                "topic": record.topic,
                "offset": record.offset,
                "error": repr(error),
            },
        )
        await self._dead_letters.park(record, error, attempts)
        EVENTS_CONSUMED.labels(self.consumer, "parked").inc()
        note_outcome("parked")

    async def many(
        self,
        records: Sequence[Record],
        batch_handler: BatchHandler[U],
    ) -> None:
        """Apply a batch in one transaction; if that fails, fall back to one by one.

        Only for handlers that are idempotent by themselves (version-guarded upserts).
        """
        decoded: list[tuple[Record, CloudEvent]] = []
        malformed: list[tuple[Record, ValueError]] = []
        for record in records:
            try:
                decoded.append((record, CloudEvent.from_kafka(record.headers, record.value)))
            except ValueError as malformation:
                malformed.append((record, malformation))
        if decoded:
            await self._apply_batch(decoded, batch_handler)
        # Parked last: if applying raised (an outage), the batch comes again and an earlier
        # park would be a second copy on the DLQ.
        for record, error in malformed:
            await self._park(record, error, 1)

    async def _apply_batch(
        self,
        decoded: list[tuple[Record, CloudEvent]],
        batch_handler: BatchHandler[U],
    ) -> None:
        try:
            topic = decoded[0][0].topic
            with consume_batch_span(topic, [r.headers for r, _ in decoded], consumer=self.consumer):
                async with self._engine.begin() as conn:
                    await batch_handler(self._unit_of_work(conn), [event for _, event in decoded])
            EVENTS_CONSUMED.labels(self.consumer, "applied").inc(len(decoded))
            return
        except Exception as error:
            # One bad record must not hold the others back: isolate it.
            # exc_info: a lost database connection then counts as the outage it is.
            log.warning(
                "batch failed; applying one by one", extra={"error": repr(error)}, exc_info=error
            )
        for record, _ in decoded:
            await self.one(record)
