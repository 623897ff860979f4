"""Keeps the replica of published events (`events.event.v1`) for the composer's event card.

Pure wiring: the shared batch consumer (`subscribe_batches`) owns the transaction and hands
its connection over; the rule is `service.apply_published` on the replica of that
connection, unit-tested on a fake replica."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.event_cards.repository import EventListingRows
from newsletter.event_cards.service import apply_published
from shared.events.envelope import CloudEvent
from shared.events.topics import EVENTS
from shared.settings import ServiceSettings
from shared.subscriptions import subscribe_batches


async def apply_batch(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    await apply_published(EventListingRows(conn), events)


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
