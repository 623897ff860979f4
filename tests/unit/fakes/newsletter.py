"""In-memory newsletter unit of work: repositories holding dicts, published events collected.

The audience is computed with the Python segment evaluator (shared/segments/evaluate.py, which
a property test proves equal to the SQL compiler) plus the same reachability rules as
`delivery.repository.campaign_audience`.
"""

from __future__ import annotations

import copy
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsletter.campaigns.domain import Audience, Campaign, Recipient, audience_rule
from newsletter.media.domain import Media, media_ids
from newsletter.suppression.domain import email_hmac

from shared.events.audit import StaffActionV1
from shared.events.envelope import CloudEvent
from shared.events.topics import STAFF_AUDIT
from shared.segments.evaluate import evaluate
from tests.unit.fakes.newsletter_archive import FakeArchive
from tests.unit.fakes.newsletter_bounces import FakeBounces
from tests.unit.fakes.newsletter_composer import FakeComposer, FakeSegments
from tests.unit.fakes.newsletter_delivery import FakeSending
from tests.unit.fakes.newsletter_erasure import FakeErasure
from tests.unit.fakes.newsletter_event_cards import FakeEventListing
from tests.unit.fakes.newsletter_materials import FakeMaterials
from tests.unit.fakes.newsletter_media import FakeImages
from tests.unit.fakes.newsletter_requests import FakeMailRequests
from tests.unit.fakes.newsletter_retention import FakeRetention
from tests.unit.fakes.newsletter_statistics import FakeStatistics
from tests.unit.fakes.newsletter_tracking import FakeTracking


@dataclass
class FakeDelivery:
    campaign_id: uuid.UUID
    contact_id: uuid.UUID
    language: str
    status: str = "pending"


class FakeCampaigns:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Campaign] = {}
        self.deliveries: dict[uuid.UUID, FakeDelivery] = {}
        self.locked: list[uuid.UUID] = []

    async def get(self, campaign_id: uuid.UUID, *, lock: bool = False) -> Campaign | None:
        if lock:
            self.locked.append(campaign_id)
        found = self.rows.get(campaign_id)
        return copy.deepcopy(found)  # like a row: changes count only once saved

    async def add(self, campaign: Campaign) -> None:
        assert campaign.id not in self.rows, "primary key violated"
        self.rows[campaign.id] = copy.deepcopy(campaign)

    async def save(self, campaign: Campaign) -> None:
        assert campaign.id in self.rows, "saving a campaign never added"
        self.rows[campaign.id] = copy.deepcopy(campaign)

    def of(self, campaign_id: uuid.UUID) -> list[FakeDelivery]:
        return [d for d in self.deliveries.values() if d.campaign_id == campaign_id]

    async def move_deliveries(
        self, campaign_id: uuid.UUID, *, old: tuple[str, ...], new: str
    ) -> int:
        moved = [d for d in self.of(campaign_id) if d.status in old]
        for d in moved:
            d.status = new
        return len(moved)

    async def delivery_counts(self, campaign_id: uuid.UUID) -> dict[str, int]:
        return dict(Counter(d.status for d in self.of(campaign_id)))

    async def due(self) -> list[uuid.UUID]:
        now = datetime.now(UTC)
        due = [
            c
            for c in self.rows.values()
            if c.status == "scheduled" and c.scheduled_at is not None and c.scheduled_at <= now
        ]
        return [c.id for c in sorted(due, key=lambda c: c.scheduled_at or now)]

    async def finish_done(self) -> list[uuid.UUID]:
        done = [
            c
            for c in self.rows.values()
            if c.status == "sending" and not any(d.status == "pending" for d in self.of(c.id))
        ]
        for c in done:
            c.status, c.finished_at = "sent", datetime.now(UTC)
        return [c.id for c in done]


class FakeAudiences:
    """People are contact-snapshot rows (dicts with the replica's columns)."""

    def __init__(self, campaigns: FakeCampaigns, suppression_key: bytes) -> None:
        self._campaigns = campaigns
        self._key = suppression_key
        self.people: list[dict[str, Any]] = []
        self.segments: dict[uuid.UUID, Any] = {}
        self.suppressed: set[bytes] = set()

    def reached(self, campaign: Campaign) -> list[dict[str, Any]]:
        rule = audience_rule(campaign, self.segments)
        now = datetime.now(UTC)
        return sorted(
            (p for p in self.people if self._reachable(campaign, p) and evaluate(rule, p, now)),
            key=lambda p: str(p["email"]),
        )

    def _reachable(self, campaign: Campaign, person: Mapping[str, Any]) -> bool:
        email = person.get("email")
        return bool(
            not person.get("erased")
            and person.get("newsletter_consent") is True
            and person.get("subscription_state") == "subscribed"
            and person.get("confirmed_at") is not None
            and person.get("email_status") == "ok"
            and email is not None
            and email_hmac(self._key, email) not in self.suppressed
            and (not campaign.topical or set(campaign.topics) & set(person.get("topics") or []))
        )

    async def preview(self, campaign: Campaign, *, sample_size: int) -> Audience:
        reached = self.reached(campaign)
        return Audience(
            by_language=dict(Counter(p.get("language") or "none" for p in reached)),
            sample=[
                Recipient(
                    p["email"],
                    p.get("first_name"),
                    p.get("last_name"),
                    p.get("language"),
                    p.get("contact_id"),
                    p.get("organisation_name"),
                    p.get("region"),
                    _reads(p.get("language"), tuple(campaign.variants), campaign.send_language),
                )
                for p in reached[:sample_size]
            ],
        )

    async def lacking(
        self, campaign: Campaign, fields: Sequence[str]
    ) -> dict[str, tuple[int, Recipient | None]]:
        reached = sorted(self.reached(campaign), key=lambda p: str(p["email"]))
        found: dict[str, tuple[int, Recipient | None]] = {}
        for name in fields:
            empty = [p for p in reached if not str(p.get(name) or "").strip()]
            first = empty[0] if empty else None
            found[name] = (
                len(empty),
                Recipient(
                    first["email"],
                    first.get("first_name"),
                    first.get("last_name"),
                    first.get("language"),
                    first.get("contact_id"),
                    first.get("organisation_name"),
                    first.get("region"),
                )
                if first
                else None,
            )
        return found

    async def languages(self, campaign: Campaign) -> list[str | None]:
        return sorted({p.get("language") for p in self.reached(campaign)}, key=str)

    async def materialise(
        self, campaign: Campaign, *, languages: Sequence[str], default_language: str
    ) -> int:
        already = {d.contact_id for d in self._campaigns.of(campaign.id)}
        added = 0
        for person in self.reached(campaign):
            if person["contact_id"] in already:
                continue
            language = _reads(person.get("language"), tuple(languages), default_language)
            self._campaigns.deliveries[uuid.uuid4()] = FakeDelivery(
                campaign.id, person["contact_id"], language
            )
            added += 1
        return added


class FakeDeliveries:
    def __init__(self) -> None:
        self.requested: dict[str, dict[str, Any]] = {}
        self.wakes = 0

    async def add_requested(self, row: dict[str, Any]) -> bool:
        if row["idempotency_key"] in self.requested:
            return False
        self.requested[row["idempotency_key"]] = dict(row)
        return True

    async def wake_workers(self) -> None:
        self.wakes += 1


class FakeMedia:
    def __init__(self) -> None:
        self.images: dict[str, tuple[Media, str]] = {}

    async def images_of(self, content: Mapping[str, Any]) -> dict[str, tuple[Media, str]]:
        return {i: self.images[i] for i in media_ids(content) if i in self.images}


@dataclass
class FakeNewsletterUnitOfWork:
    suppression_key: bytes = b"test-key"
    campaigns: FakeCampaigns = field(default_factory=FakeCampaigns)
    deliveries: FakeDeliveries = field(default_factory=FakeDeliveries)
    media: FakeMedia = field(default_factory=FakeMedia)
    tracking: FakeTracking = field(default_factory=FakeTracking)
    bounces: FakeBounces = field(default_factory=FakeBounces)
    statistics: FakeStatistics = field(default_factory=FakeStatistics)
    sending: FakeSending = field(default_factory=FakeSending)
    retention: FakeRetention = field(default_factory=FakeRetention)
    mail_requests: FakeMailRequests = field(default_factory=FakeMailRequests)
    materials: FakeMaterials = field(default_factory=FakeMaterials)
    images: FakeImages = field(default_factory=FakeImages)
    event_listing: FakeEventListing = field(default_factory=FakeEventListing)
    segments: FakeSegments = field(default_factory=FakeSegments)
    composer: FakeComposer = field(default_factory=FakeComposer)
    erasure: FakeErasure = field(default_factory=FakeErasure)
    published: list[tuple[str, str | None, CloudEvent]] = field(default_factory=list)
    commits: int = 0
    _pending: list[tuple[str, str | None, CloudEvent]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.audiences = FakeAudiences(self.campaigns, self.suppression_key)
        self.archive = FakeArchive(self.campaigns)

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        self._pending.append((topic, key, event))

    async def commit(self) -> None:
        """Events leave only with a commit, as through the outbox."""
        self.published += self._pending
        self._pending = []
        self.commits += 1

    def audit_actions(self) -> list[str]:
        """The staff actions committed, in order."""
        return [
            event.parse(StaffActionV1).action
            for topic, _, event in self.published
            if topic == STAFF_AUDIT.name
        ]


def _reads(own: str | None, languages: tuple[str, ...], default: str) -> str:
    """The fake's copy of `delivery.repository.reading_language` (production picks in SQL;
    tests/integration/test_newsletter_delivery.py checks the SQL)."""
    return own if own in languages else default
