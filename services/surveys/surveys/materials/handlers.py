"""Keeps the materials replica from `newsletter.material.v1` (compacted, version-guarded)."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.envelope import CloudEvent
from shared.events.materials import MaterialV1
from shared.events.topics import MATERIALS
from shared.settings import ServiceSettings
from shared.subscriptions import subscribe_batches
from surveys.materials import repository


def subscribe_materials(
    broker: KafkaBroker, *, settings: ServiceSettings, engine: AsyncEngine
) -> None:
    async def apply_batch(conn: AsyncConnection, events: list[CloudEvent]) -> None:
        rows = []
        for event in events:
            if event.data is None:
                continue  # materials are archived, never tombstoned
            m = event.parse(MaterialV1)
            rows.append(
                {
                    "material_id": m.material_id,
                    "version": m.version,
                    "kind": m.kind,
                    "title": m.title,
                    "url": m.url,
                    "areas": m.competence_areas,
                    "topics": m.topics,
                    "listed": m.published and not m.archived,
                }
            )
        await repository.upsert(conn, rows)

    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=MATERIALS,
        purpose="material-replica",
        apply_batch=apply_batch,
        description="Replica of the programme's materials, linked from self-assessment results.",
    )
