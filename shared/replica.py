"""Keeping a local replica of `contacts.contact.v1` (used by newsletter and surveys)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.consuming import BatchHandler, U, UnitOfWorkFactory, bare_connection
from shared.events.contacts import CONTACT_ERASED, ContactSnapshotV1
from shared.events.envelope import CloudEvent
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.settings import ServiceSettings
from shared.snapshot import erased_row, snapshot_row, upsert_snapshots
from shared.subscriptions import subscribe_batches


def row_from_event(event: CloudEvent) -> dict[str, Any]:
    """A snapshot event or tombstone as a replica row; ValueError for anything else."""
    if event.data is None:
        if event.type != CONTACT_ERASED or event.version is None or event.subject is None:
            raise ValueError("a tombstone needs the erased type, a version and a subject")
        return erased_row(uuid.UUID(event.subject), event.version)
    return snapshot_row(event.parse(ContactSnapshotV1))


async def apply_contact_events(
    conn: AsyncConnection, table: Table, events: Sequence[CloudEvent]
) -> int:
    return await upsert_snapshots(conn, table, [row_from_event(e) for e in events])


def after_apply_hook(
    unit_of_work: UnitOfWorkFactory[U] | None, after_apply: BatchHandler[U] | None
) -> BatchHandler[AsyncConnection] | None:
    """The use case run on each applied batch, through the service's unit of work joined to
    the batch's transaction (`unit_of_work(conn)`, a HeldTransaction): what it erases and
    the events it publishes commit with the upsert, or not at all. Both or neither."""
    if after_apply is None and unit_of_work is None:
        return None
    if after_apply is None or unit_of_work is None:
        raise ValueError("after_apply needs the unit of work it runs through, and vice versa")
    factory, use_case = unit_of_work, after_apply

    async def run(conn: AsyncConnection, events: list[CloudEvent]) -> None:
        await use_case(factory(conn), events)

    return run


def subscribe_contact_replica(
    broker: KafkaBroker,
    *,
    settings: ServiceSettings,
    engine: AsyncEngine,
    table: Table,
    unit_of_work: UnitOfWorkFactory[U] | None = None,
    after_apply: BatchHandler[U] | None = None,
    description: str = "Replica of contact snapshots; tombstones erase the person.",
) -> None:
    """Keep `table` in step with `contacts.contact.v1`, a batch per transaction.

    The upsert is version-guarded and so idempotent by itself: no inbox row is needed.
    `after_apply(uow, events)` (e.g. anonymising what an erasure touches) runs in the same
    transaction, on `unit_of_work(conn)`: the service's unit of work joined to it. It must
    be idempotent too, since a batch can be delivered again.
    """
    hook = after_apply_hook(unit_of_work, after_apply)

    async def apply_batch(conn: AsyncConnection, events: list[CloudEvent]) -> None:
        await apply_contact_events(conn, table, events)
        if hook is not None:
            await hook(conn, events)

    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=CONTACT_SNAPSHOTS,
        purpose="contact-replica",
        unit_of_work=bare_connection,  # pure infrastructure: rows upserted by version
        apply_batch=apply_batch,
        description=description,
    )
