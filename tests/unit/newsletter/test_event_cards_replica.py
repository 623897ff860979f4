"""The replica of `events.event.v1` behind the composer's event card, on the in-memory
replica: the newest version of each event wins whatever the order of the records, a record
without data is skipped, and the composer lists the published events that have not ended."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from newsletter.event_cards import service

from shared.events.envelope import CloudEvent, new_event
from shared.events.events import EventPublishedV1
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

WEBINAR = uuid.UUID(int=0xE1)
WORKSHOP = uuid.UUID(int=0xE2)
NOW = datetime(2026, 12, 3, 10, tzinfo=UTC)


def published(event_id: uuid.UUID, version: int, *, days: int = 30, **extra: Any) -> CloudEvent:
    start = NOW + timedelta(days=days)
    data = EventPublishedV1(
        event_id=event_id,
        version=version,
        state="published",
        kind="webinar",
        title={"fi": "Tekoäly arjessa", "sv": "AI i vardagen"},
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        online=True,
        url=f"https://digituki.example/events/{event_id}",
    )
    return new_event(source="/test", data=data.model_copy(update=extra), subject=str(event_id))


async def test_the_newest_version_wins_whatever_the_order_of_the_records() -> None:
    uow = FakeNewsletterUnitOfWork()
    replica = uow.event_listing
    await service.apply_published(
        replica, [published(WEBINAR, 2, title={"fi": "Uusi nimi"}), published(WEBINAR, 1)]
    )
    await service.apply_published(replica, [published(WEBINAR, 1, title={"fi": "Vanha"})])
    await service.apply_published(replica, [published(WEBINAR, 2, title={"fi": "Toisto"})])
    held = replica.rows[WEBINAR]
    assert (held.version, held.title) == (2, {"fi": "Uusi nimi"})
    await service.apply_published(replica, [published(WEBINAR, 3, state="cancelled")])
    assert replica.rows[WEBINAR].state == "cancelled"


async def test_a_record_without_data_is_skipped_and_an_empty_batch_writes_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    tombstone = published(WEBINAR, 1).model_copy(update={"data": None})
    await service.apply_published(uow.event_listing, [tombstone])
    assert uow.event_listing.rows == {} and uow.event_listing.batches == 0


async def test_every_field_of_the_record_reaches_the_replica() -> None:
    uow = FakeNewsletterUnitOfWork()
    await service.apply_published(
        uow.event_listing,
        [published(WORKSHOP, 4, online=False, municipality="091", languages=["fi", "sv"])],
    )
    held = uow.event_listing.rows[WORKSHOP]
    assert (held.kind, held.online, held.municipality, held.languages) == (
        "webinar",
        False,
        "091",
        ("fi", "sv"),
    )
    assert held.ends_at - held.starts_at == timedelta(hours=1)


async def test_the_composer_lists_published_events_not_ended_soonest_first() -> None:
    uow = FakeNewsletterUnitOfWork()
    later, sooner, ended, cancelled = (uuid.UUID(int=i) for i in (1, 2, 3, 4))
    await service.apply_published(
        uow.event_listing,
        [
            published(later, 1, days=20),
            published(sooner, 1, days=2),
            published(ended, 1, days=-1),
            published(cancelled, 2, days=5, state="cancelled"),
        ],
    )
    listed = await service.upcoming(uow, now=NOW)
    assert [e.event_id for e in listed] == [sooner, later]
    found = await service.get(uow, cancelled)
    assert found is not None and found.state == "cancelled"
    assert await service.get(uow, uuid.UUID(int=404)) is None
