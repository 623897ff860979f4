"""Keeps the replica of published events (`events.event.v1`) for the composer's event card."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.event_cards import repository
from shared.events.envelope import CloudEvent
from shared.events.events import EventPublishedV1
from shared.events.topics import EVENTS
from shared.settings import ServiceSettings
from shared.subscriptions import subscribe_batches


async def apply_batch(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    rows = []
    for event in events:
        if event.data is None:
            continue  # events are cancelled, never tombstoned
        e = event.parse(EventPublishedV1)
        rows.append(
            {
                "event_id": e.event_id,
                "version": e.version,
                "state": e.state,
                "kind": e.kind,
                "title": e.title,
                "starts_at": e.starts_at,
                "ends_at": e.ends_at,
                "online": e.online,
                "municipality": e.municipality,
                "languages": list(e.languages),
                "url": e.url,
            }
        )
    await repository.upsert(conn, rows)


def subscribe(broker: KafkaBroker, *, settings: ServiceSettings, engine: AsyncEngine) -> None:
    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=EVENTS,
        purpose="event-listing",
        apply_batch=apply_batch,
        description="Replica of published events for the composer's event card.",
    )
