"""Newsletter's unit of work: one transaction, named repositories, events to the outbox.

`NewsletterUnitOfWork` is what use cases take (converted so far: campaigns,
composer, materials, media, the archive and the event cards' replica);
`SqlUnitOfWork` is it over the shared `UnitOfWork` (a connection plus newsletter's outbox),
and tests/unit/fakes/newsletter.py holds the in-memory one. `unit_of_work(engine)` is the
bare shared one the features not yet converted still use.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.archive.repository import ArchiveRepository, ArchiveRows
from newsletter.bounces.repository import BounceRepository, BounceRows
from newsletter.campaigns.domain import Audience, Campaign, Recipient
from newsletter.campaigns.repository import AudienceRows, CampaignRows
from newsletter.campaigns.segments import SegmentRepository, SegmentRows
from newsletter.composer.repository import ComposerRepository, ComposerRows
from newsletter.delivery import repository as delivery_rows
from newsletter.erasure.repository import ErasureRepository, ErasureRows
from newsletter.event_cards.repository import EventListingRepository, EventListingRows
from newsletter.materials.repository import MaterialRepository, MaterialRows
from newsletter.media.domain import Media
from newsletter.media.repository import MediaRepository, MediaRows
from newsletter.media.service import library_of
from newsletter.requests.repository import MailRequestRepository, MailRequestRows
from newsletter.retention.repository import RetentionRepository, RetentionRows
from newsletter.statistics.repository import StatisticsRepository, StatisticsRows
from newsletter.tables import outbox
from newsletter.tracking.repository import TrackingRepository, TrackingRows
from shared.events.envelope import CloudEvent
from shared.outbox.unit_of_work import HeldTransaction, UnitOfWork


def unit_of_work(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(engine, outbox=outbox, service="newsletter")


class CampaignRepository(Protocol):
    async def get(self, campaign_id: uuid.UUID, *, lock: bool = False) -> Campaign | None: ...
    async def add(self, campaign: Campaign) -> None: ...
    async def save(self, campaign: Campaign) -> None: ...
    async def move_deliveries(
        self, campaign_id: uuid.UUID, *, old: tuple[str, ...], new: str
    ) -> int: ...
    async def delivery_counts(self, campaign_id: uuid.UUID) -> dict[str, int]: ...
    async def due(self) -> list[uuid.UUID]: ...
    async def finish_done(self) -> list[uuid.UUID]: ...


class AudienceRepository(Protocol):
    """Who a campaign reaches now (consent, subscription, suppression and all)."""

    async def preview(self, campaign: Campaign, *, sample_size: int) -> Audience: ...
    async def languages(self, campaign: Campaign) -> list[str | None]: ...
    async def lacking(
        self, campaign: Campaign, fields: Sequence[str]
    ) -> dict[str, tuple[int, Recipient | None]]: ...
    async def materialise(
        self, campaign: Campaign, *, languages: Sequence[str], default_language: str
    ) -> int: ...


class DeliveryRepository(Protocol):
    async def add_requested(self, row: dict[str, Any]) -> bool: ...
    async def wake_workers(self) -> None: ...


class MediaLibrary(Protocol):
    """The library's part in sending (media/service.py `library_of` over `uow.images`)."""

    async def images_of(self, content: Mapping[str, Any]) -> dict[str, tuple[Media, str]]:
        """The library images `content` points to, each with its mail address."""
        ...


class NewsletterUnitOfWork(Protocol):
    campaigns: CampaignRepository
    audiences: AudienceRepository
    deliveries: DeliveryRepository
    media: MediaLibrary
    tracking: TrackingRepository
    bounces: BounceRepository
    statistics: StatisticsRepository
    sending: delivery_rows.SendingRepository
    retention: RetentionRepository
    mail_requests: MailRequestRepository
    images: MediaRepository
    materials: MaterialRepository
    archive: ArchiveRepository
    event_listing: EventListingRepository
    segments: SegmentRepository
    composer: ComposerRepository
    erasure: ErasureRepository

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None: ...
    async def commit(self) -> None: ...


class _Deliveries:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def add_requested(self, row: dict[str, Any]) -> bool:
        return await delivery_rows.add_requested(self._uow.conn, row)

    async def wake_workers(self) -> None:
        await delivery_rows.wake_workers(self._uow.conn)


class _Media:
    def __init__(self, uow: NewsletterUnitOfWork) -> None:
        self._uow = uow

    async def images_of(self, content: Mapping[str, Any]) -> dict[str, tuple[Media, str]]:
        return await library_of(self._uow, content)


class SqlUnitOfWork(UnitOfWork, NewsletterUnitOfWork):
    """`async with SqlUnitOfWork(engine, suppression_key) as uow:`; not committed, nothing
    (not even an event) leaves."""

    def __init__(self, engine: AsyncEngine, suppression_key: bytes) -> None:
        super().__init__(engine, outbox=outbox, service="newsletter")
        self._key = suppression_key

    def open_repositories(self, conn: AsyncConnection) -> None:
        self.campaigns = CampaignRows(conn)
        self.audiences = AudienceRows(conn, self._key)
        self.deliveries = _Deliveries(self)
        self.media = _Media(self)
        self.tracking = TrackingRows(conn)
        self.bounces = BounceRows(conn)
        self.statistics = StatisticsRows(conn)
        self.sending = delivery_rows.SendingRows(conn)
        self.retention = RetentionRows(conn)
        self.mail_requests = MailRequestRows(conn)
        self.images = MediaRows(conn)
        self.materials = MaterialRows(conn)
        self.archive = ArchiveRows(conn)
        self.event_listing = EventListingRows(conn)
        self.segments = SegmentRows(conn)
        self.composer = ComposerRows(conn)
        self.erasure = ErasureRows(conn)


class JoinedUnitOfWork(HeldTransaction, SqlUnitOfWork):
    """Newsletter's unit of work in a Kafka consumer's transaction (its inbox row is in it):
    the consumer builds it (`unit_of_work=partial(JoinedUnitOfWork, suppression_key=key)`),
    the handler enters it (`async with uow:`), and the use case's effects and events commit
    with the record, or not at all (shared HeldTransaction)."""

    def __init__(self, conn: AsyncConnection, suppression_key: bytes) -> None:
        super().__init__(conn.engine, suppression_key)
        self._held = conn
