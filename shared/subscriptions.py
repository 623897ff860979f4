"""Subscribing a handler to a topic with the project's delivery guarantees.

Every consumer has its own group (`<prefix><service>.<purpose>`), reads from the earliest
offset on first start, commits only after its database commit, decodes nothing itself
(`tolerant_parser` and `raw_body`: handlers parse the CloudEvent, and a malformed record must
reach the DLQ, never fail a fetched batch inside FastStream), and hands records to
`Consumption` (inbox, retries, DLQ), which calls the handler with the service's unit of work
(`unit_of_work`, e.g. `JoinedContactsUnitOfWork`) built on the transaction of each attempt: a
handler never sees the connection or builds a unit of work itself. Each consumer also reads
`<topic>.replay` (in a group of its own, `<group>.replay`), where `digituki dlq replay` puts
back what this group parked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.consuming import (
    BatchHandler,
    Consumption,
    Handler,
    Record,
    UnitOfWorkFactory,
    raw_body,
    tolerant_parser,
)
from shared.dead_letters import BrokerDeadLetters, dead_letter_producer, meant_for_others
from shared.events.envelope import CloudEvent
from shared.events.topics import Topic
from shared.settings import ServiceSettings

U = TypeVar("U")

REPLAY_GROUP_SUFFIX = ".replay"


def _options(
    settings: ServiceSettings, purpose: str, description: str, *, replay: bool = False
) -> dict[str, Any]:
    group = settings.group(purpose)
    return {
        "group_id": f"{group}{REPLAY_GROUP_SUFFIX}" if replay else group,
        "auto_offset_reset": "earliest",
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": max(500, settings.kafka_session_timeout_ms // 5),
        "parser": tolerant_parser,
        "decoder": raw_body,
        "title": f"{settings.service_name}:{purpose}{REPLAY_GROUP_SUFFIX if replay else ''}",
        "description": description,
        # The replay topic is plumbing, not part of the documented event flow.
        "include_in_schema": not replay,
    }


def _consumption(
    broker: KafkaBroker,
    settings: ServiceSettings,
    engine: AsyncEngine,
    purpose: str,
    unit_of_work: UnitOfWorkFactory[U],
    handler: Handler[U],
    inbox: Table | None,
) -> Consumption[U]:
    consumer = settings.group(purpose)
    return Consumption(
        consumer=consumer,
        engine=engine,
        unit_of_work=unit_of_work,
        handler=handler,
        dead_letters=BrokerDeadLetters(
            dead_letter_producer(broker, settings.kafka_bootstrap_servers), consumer
        ),
        inbox=inbox,
        retries=settings.consumer_retries,
        backoff_s=settings.consumer_backoff_s,
    )


def subscribe_events(
    broker: KafkaBroker,
    *,
    settings: ServiceSettings,
    engine: AsyncEngine,
    topic: Topic,
    purpose: str,
    unit_of_work: UnitOfWorkFactory[U],
    handler: Handler[U],
    inbox: Table | None,
    description: str,
    after: Callable[[], None] | None = None,
    wanted: Callable[[Record], bool] | None = None,
) -> None:
    """One record per transaction; `inbox` makes a non-idempotent effect happen once.

    `handler(uow, event)` gets `unit_of_work(conn)`: the service's unit of work on that
    record's transaction (built anew for each attempt, after the inbox claim), e.g.
    `unit_of_work=JoinedContactsUnitOfWork` with `async def on_x(uow:
    JoinedContactsUnitOfWork, event: CloudEvent)`; mypy checks the two agree.

    `wanted` may pass over records cheaply before they cost a transaction and an inbox row
    (it must let malformed records through, so they reach the DLQ); `after` runs once the
    record's transaction has committed (e.g. to wake a local loop).
    """
    consumption = _consumption(broker, settings, engine, purpose, unit_of_work, handler, inbox)

    async def on_record(body: Any, msg: KafkaMessage) -> None:
        record: Record = msg.raw_message  # type: ignore[assignment]
        if meant_for_others(record, consumption.consumer):
            return
        if wanted is not None and not wanted(record):
            return
        await consumption.one(record)
        if after is not None:
            after()

    for name, replay in ((topic.name, False), (topic.replay, True)):
        # The options travel as one dict (shared by both kinds), which hides the overloads.
        broker.subscriber(
            settings.topic(name), **_options(settings, purpose, description, replay=replay)
        )(on_record)


def subscribe_batches(
    broker: KafkaBroker,
    *,
    settings: ServiceSettings,
    engine: AsyncEngine,
    topic: Topic,
    purpose: str,
    unit_of_work: UnitOfWorkFactory[U],
    apply_batch: BatchHandler[U],
    description: str,
    max_records: int = 2000,
) -> None:
    """Up to `max_records` per transaction, for handlers idempotent by themselves (version
    guards); a failing batch is re-run one record at a time to isolate the bad one.
    `apply_batch(uow, events)` gets `unit_of_work(conn)` on the batch's transaction (pure
    infrastructure, a replica of rows, passes `bare_connection`)."""

    async def apply_one(uow: U, event: CloudEvent) -> None:
        await apply_batch(uow, [event])

    consumption = _consumption(broker, settings, engine, purpose, unit_of_work, apply_one, None)

    async def on_records(body: Any, msg: KafkaMessage) -> None:
        raw = msg.raw_message
        records = tuple(raw) if isinstance(raw, (tuple, list)) else (raw,)
        mine = [r for r in records if not meant_for_others(r, consumption.consumer)]
        if mine:
            await consumption.many(mine, apply_batch)

    for name, replay in ((topic.name, False), (topic.replay, True)):
        broker.subscriber(
            settings.topic(name),
            batch=True,
            max_records=max_records,
            **_options(settings, purpose, description, replay=replay),
        )(on_records)


def declare_publishers(
    broker: KafkaBroker, settings: ServiceSettings, topics: list[tuple[Topic, str]]
) -> None:
    """Declares what the service publishes, for its AsyncAPI document only: events leave
    through the outbox relay, never through these publishers."""
    for topic, what in topics:
        broker.publisher(settings.topic(topic.name), schema=topic.payload, description=what)
