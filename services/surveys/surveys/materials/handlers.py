"""Keeps the materials replica from `newsletter.material.v1` (compacted, version-guarded)."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.envelope import CloudEvent
from shared.events.materials import MaterialV1
from shared.events.topics import MATERIALS
from shared.settings import ServiceSettings
from shared.subscriptions import subscribe_batches
from surveys.materials.service import replicate
from surveys.unit_of_work import ConsumerUnitOfWork, SurveysUnitOfWork


def subscribe_materials(
    broker: KafkaBroker, *, settings: ServiceSettings, engine: AsyncEngine
) -> None:
    async def apply_batch(uow: SurveysUnitOfWork, events: list[CloudEvent]) -> None:
        # Materials are archived, never tombstoned: a record without data says nothing.
        materials = [e.parse(MaterialV1) for e in events if e.data is not None]
        await replicate(uow, materials=materials)

    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=MATERIALS,
        purpose="material-replica",
        unit_of_work=ConsumerUnitOfWork,
        apply_batch=apply_batch,
        description="Replica of the programme's materials, linked from self-assessment results.",
    )
