"""The replica of `events.event.v1` kept for the composer's event card, and its reading.

`apply_published` is the consumer's rule, on the replica repository of the consumer's own
transaction (the shared batch consumer owns it: its retries, one record at a time after a
failing batch); `upcoming` and `get` read it through the unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from newsletter.event_cards.domain import ListedEvent, ReplicatedEvent
from newsletter.event_cards.repository import EventListingRepository
from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.events.envelope import CloudEvent
from shared.events.events import EventPublishedV1


def replicated(e: EventPublishedV1) -> ReplicatedEvent:
    return ReplicatedEvent(
        event_id=e.event_id,
        version=e.version,
        state=e.state,
        kind=e.kind,
        title=dict(e.title),
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        online=e.online,
        url=e.url,
        municipality=e.municipality,
        languages=tuple(e.languages),
    )


async def apply_published(replica: EventListingRepository, events: Sequence[CloudEvent]) -> None:
    """Each event's newest version; a record without data is skipped (events are
    cancelled, never tombstoned), an older or repeated version changes nothing."""
    found = [replicated(e.parse(EventPublishedV1)) for e in events if e.data is not None]
    if found:
        await replica.keep_newest(found)


async def upcoming(uow: NewsletterUnitOfWork, *, now: datetime) -> list[ListedEvent]:
    return await uow.event_listing.upcoming(now=now)


async def get(uow: NewsletterUnitOfWork, event_id: uuid.UUID) -> ListedEvent | None:
    return await uow.event_listing.get(event_id)
