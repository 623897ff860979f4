"""Surveys' contact replica: the shared subscriber, plus erasure of responses.

People a tombstone erased lose every link to their responses, in the same transaction as
the replica change.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.envelope import CloudEvent
from shared.replica import subscribe_contact_replica as subscribe_shared
from surveys.persistence.tables import contact_snapshot
from surveys.service.erasure import erased_ids, forget_erased
from surveys.settings import SurveysSettings


async def forget_erased_people(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    await forget_erased(conn, erased_ids(events))


def subscribe_contact_replica(
    broker: KafkaBroker, *, settings: SurveysSettings, engine: AsyncEngine
) -> None:
    subscribe_shared(
        broker,
        settings=settings,
        engine=engine,
        table=contact_snapshot,
        after_apply=forget_erased_people,
        description="Replica of contact snapshots; tombstones erase the person and "
        "anonymise their survey responses.",
    )
