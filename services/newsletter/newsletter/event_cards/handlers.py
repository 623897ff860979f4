"""Keeps the replica of published events (`events.event.v1`) for the composer's event card.

Pure wiring: the shared batch consumer (`subscribe_batches`) owns the transaction and hands
the replica on it (`unit_of_work=EventListingRows`) to the rule, `service.apply_published`,
unit-tested on a fake replica."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.event_cards.repository import EventListingRows
from newsletter.event_cards.service import apply_published
from shared.events.topics import EVENTS
from shared.settings import ServiceSettings
from shared.subscriptions import subscribe_batches


def subscribe(broker: KafkaBroker, *, settings: ServiceSettings, engine: AsyncEngine) -> None:
    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=EVENTS,
        purpose="event-listing",
        unit_of_work=EventListingRows,
        apply_batch=apply_published,
        description="Replica of published events for the composer's event card.",
    )
