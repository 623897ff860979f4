"""Surveys' contact replica: the shared subscriber, plus erasure of responses.

People a tombstone erased lose every link to their responses, in the same transaction as
the replica change; a record merged into another hands them to the kept person.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.replica import subscribe_contact_replica as subscribe_shared
from surveys.erasure.service import settle_removed_people
from surveys.settings import SurveysSettings
from surveys.tables import contact_snapshot


def subscribe_contact_replica(
    broker: KafkaBroker, *, settings: SurveysSettings, engine: AsyncEngine
) -> None:
    subscribe_shared(
        broker,
        settings=settings,
        engine=engine,
        table=contact_snapshot,
        after_apply=settle_removed_people,
        description="Replica of contact snapshots; tombstones erase the person and "
        "anonymise their survey responses, or (merge) re-point them.",
    )
