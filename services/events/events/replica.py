"""Events' contact replica: the shared subscriber, plus erasure of registrations.

An erased person's registrations lose their name, address, organisation and needs in the
same transaction as the replica change; a record merged into another hands them over.

It keeps the engine, by design: this is a batch replica consumer, pure infrastructure, not a
use case. `shared.subscriptions.subscribe_batches` opens one transaction per batch of up to
2,000 records on the engine (re-running a failing batch record by record) and upserts the
snapshots version-guarded, idempotent without an inbox; no unit of work of one use case
fits a batch of many people. The erasure hook (`registration.erasure.settle_removed_people`)
is a use case: it gets the service's unit of work joined to that batch's transaction
(`JoinedEventsUnitOfWork`, a HeldTransaction) and erases, re-points and audits through it, so its
changes and outbox rows commit with the batch.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from events.registration.erasure import settle_removed_people
from events.settings import EventsSettings
from events.tables import contact_snapshot
from events.unit_of_work import JoinedEventsUnitOfWork
from shared.replica import subscribe_contact_replica as subscribe_shared


def subscribe_contact_replica(
    broker: KafkaBroker, *, settings: EventsSettings, engine: AsyncEngine
) -> None:
    subscribe_shared(
        broker,
        settings=settings,
        engine=engine,
        table=contact_snapshot,
        unit_of_work=JoinedEventsUnitOfWork,
        after_apply=settle_removed_people,
        description="Replica of contact snapshots; tombstones erase the person's "
        "registrations, or (merge) re-point them.",
    )
