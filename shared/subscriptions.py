"""Subscribing a handler to a topic with the project's delivery guarantees.

Every consumer has its own group (`<prefix><service>.<purpose>`), reads from the earliest
offset on first start, commits only after its database commit, decodes nothing itself
(`raw_body`: handlers parse the CloudEvent, and a malformed record must reach the DLQ), and
hands records to `Consumption` (inbox, retries, DLQ).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.consuming import Consumption, Handler, Record, raw_body
from shared.dead_letters import BrokerDeadLetters
from shared.events.envelope import CloudEvent
from shared.events.topics import Topic
from shared.settings import ServiceSettings

BatchHandler = Callable[[AsyncConnection, list[CloudEvent]], Awaitable[None]]


def _options(settings: ServiceSettings, purpose: str, description: str) -> dict[str, Any]:
    return {
        "group_id": settings.group(purpose),
        "auto_offset_reset": "earliest",
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": max(500, settings.kafka_session_timeout_ms // 5),
        "decoder": raw_body,
        "title": f"{settings.service_name}:{purpose}",
        "description": description,
    }


def _consumption(
    broker: KafkaBroker,
    settings: ServiceSettings,
    engine: AsyncEngine,
    purpose: str,
    handler: Handler,
    inbox: Table | None,
) -> Consumption:
    consumer = settings.group(purpose)
    return Consumption(
        consumer=consumer,
        engine=engine,
        handler=handler,
        dead_letters=BrokerDeadLetters(broker, consumer),
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
    handler: Handler,
    inbox: Table | None,
    description: str,
    after: Callable[[], None] | None = None,
    wanted: Callable[[Record], bool] | None = None,
) -> None:
    """One record per transaction; `inbox` makes a non-idempotent effect happen once.

    `wanted` may pass over records cheaply before they cost a transaction and an inbox row
    (it must let malformed records through, so they reach the DLQ); `after` runs once the
    record's transaction has committed (e.g. to wake a local loop).
    """
    consumption = _consumption(broker, settings, engine, purpose, handler, inbox)

    # The options travel as one dict (shared by both kinds), which hides the overloads.
    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.topic(topic.name), **_options(settings, purpose, description)
    )
    async def on_record(body: Any, msg: KafkaMessage) -> None:
        record: Record = msg.raw_message  # type: ignore[assignment]
        if wanted is not None and not wanted(record):
            return
        await consumption.one(record)
        if after is not None:
            after()


def subscribe_batches(
    broker: KafkaBroker,
    *,
    settings: ServiceSettings,
    engine: AsyncEngine,
    topic: Topic,
    purpose: str,
    apply_batch: BatchHandler,
    description: str,
    max_records: int = 500,
) -> None:
    """Up to `max_records` per transaction, for handlers idempotent by themselves (version
    guards); a failing batch is re-run one record at a time to isolate the bad one."""

    async def apply_one(conn: AsyncConnection, event: CloudEvent) -> None:
        await apply_batch(conn, [event])

    consumption = _consumption(broker, settings, engine, purpose, apply_one, None)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.topic(topic.name),
        batch=True,
        max_records=max_records,
        **_options(settings, purpose, description),
    )
    async def on_records(body: Any, msg: KafkaMessage) -> None:
        raw = msg.raw_message
        records = raw if isinstance(raw, tuple) else (raw,)
        await consumption.many(records, apply_batch)
