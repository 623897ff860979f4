"""Surveys' contact replica: the shared subscriber, plus erasure of responses.

People a tombstone erased lose every link to their responses, in the same transaction as
the replica change; a record merged into another hands them to the kept person.

It keeps the engine, by design: this is a batch replica consumer, pure infrastructure, not a
use case. `shared.subscriptions.subscribe_batches` opens one transaction per batch of up to
2,000 records on the engine (re-running a failing batch record by record) and upserts the
snapshots version-guarded, idempotent without an inbox; no unit of work of one use case
fits a batch of many people. The erasure hook (`erasure.service.settle_removed_people`)
is a use case: it gets the service's unit of work joined to that batch's transaction
(`ConsumerUnitOfWork`, a HeldTransaction) and erases, re-points and audits through it, so its
changes and outbox rows commit with the batch.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.replica import subscribe_contact_replica as subscribe_shared
from surveys.erasure.service import settle_removed_people
from surveys.settings import SurveysSettings
from surveys.tables import contact_snapshot
from surveys.unit_of_work import ConsumerUnitOfWork


def subscribe_contact_replica(
    broker: KafkaBroker, *, settings: SurveysSettings, engine: AsyncEngine
) -> None:
    subscribe_shared(
        broker,
        settings=settings,
        engine=engine,
        table=contact_snapshot,
        unit_of_work=ConsumerUnitOfWork,
        after_apply=settle_removed_people,
        description="Replica of contact snapshots; tombstones erase the person and "
        "anonymise their survey responses, or (merge) re-point them.",
    )
