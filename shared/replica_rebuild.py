"""Rebuilding a contact replica from the compacted `contacts.contact.v1` topic.

Used after a restore (or when a replica is suspected wrong): the table is emptied and the
topic read from its first offset up to the end offsets seen at the start. The reader has no
consumer group, so the live worker's committed offsets are untouched; events arriving during
the rebuild are applied by both, which the version-guarded upsert makes harmless.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.consuming import BatchHandler, U, UnitOfWorkFactory
from shared.db import make_engine
from shared.entrypoints import Command
from shared.events.envelope import CloudEvent
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.replica import after_apply_hook, apply_contact_events, row_from_event
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

S = TypeVar("S", bound=ServiceSettings)


async def rebuild_contact_replica(
    *,
    settings: ServiceSettings,
    engine: AsyncEngine,
    table: Table,
    unit_of_work: UnitOfWorkFactory[U] | None = None,
    after_apply: BatchHandler[U] | None = None,
    batch_size: int = 500,
) -> int:
    """Truncate `table`, replay the whole topic into it; returns the events applied.
    `after_apply(unit_of_work(conn), events)` runs in each batch's transaction, as in the
    live consumer (shared/replica.py)."""
    hook = after_apply_hook(unit_of_work, after_apply)
    topic = settings.topic(CONTACT_SNAPSHOTS.name)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        # assign() starts a background position reset; "latest" could land after the seek
        # below and make the rebuild skip the whole topic.
        auto_offset_reset="earliest",
        client_id=f"{settings.service_name}-replica-rebuild",
    )
    await consumer.start()
    try:
        # The registered partition count (topics are created from it, never auto-created):
        # a fresh client has no metadata for a topic it is not subscribed to yet.
        partitions = [TopicPartition(topic, p) for p in range(CONTACT_SNAPSHOTS.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {table.name}"))
        applied = skipped = 0
        remaining = {tp for tp in partitions if end[tp] > await consumer.position(tp)}
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch_size)
            events: list[CloudEvent] = []
            for records in batches.values():
                for record in records:
                    if record.offset >= end[TopicPartition(record.topic, record.partition)]:
                        continue  # newer than the rebuild: the live consumer applies it
                    try:
                        event = CloudEvent.from_kafka(record.headers, record.value)
                        row_from_event(event)  # a record the live consumer would park
                        events.append(event)
                    except ValueError as error:
                        # The live consumer parked it on the DLQ already; it holds no state.
                        # Checked one by one: it must not fail the batch around it.
                        skipped += 1
                        log.warning(
                            "skipping malformed record",
                            extra={
                                "partition": record.partition,
                                "offset": record.offset,
                                "error": repr(error),
                            },
                        )
            if events:
                async with engine.begin() as conn:
                    await apply_contact_events(conn, table, events)
                    if hook is not None:
                        await hook(conn, events)
                applied += len(events)
            for tp in list(remaining):
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
        log.info(
            "replica %s rebuilt from %s: %d events, %d malformed skipped",
            table.name,
            topic,
            applied,
            skipped,
        )
        return applied
    finally:
        await consumer.stop()


def rebuild_replica_command(
    table: Table,
    *,
    unit_of_work: Callable[[S], UnitOfWorkFactory[U]],
    after_apply: BatchHandler[U],
) -> dict[str, Command]:
    """`rebuild-replica` for a service's COMMANDS: empty `table` and refill it from the topic.
    `unit_of_work(settings)` is the factory of the service's joined unit of work the
    `after_apply` use case runs through (the same pair the live replica consumer gets)."""

    async def command(settings: S, args: argparse.Namespace) -> int:
        engine = make_engine(settings.database_url, pool_size=2)
        try:
            applied = await rebuild_contact_replica(
                settings=settings,
                engine=engine,
                table=table,
                unit_of_work=unit_of_work(settings),
                after_apply=after_apply,
            )
        finally:
            await engine.dispose()
        print(f"{table.name} rebuilt from {applied} events")
        return 0

    return {
        "rebuild-replica": Command(
            help=f"empty {table.name} and refill it from {CONTACT_SNAPSHOTS.name}",
            configure=lambda parser: None,
            run=command,
        )
    }
