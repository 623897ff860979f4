"""Events published by the contacts service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from shared.events.envelope import EventData

Language = Literal["fi", "sv", "en"]
SubscriptionState = Literal["pending", "subscribed", "unsubscribed"]
MembershipState = Literal["none", "pending", "active", "paused", "left", "declined"]
OnboardingState = Literal["not_invited", "invited", "requested", "approved", "declined", "left"]
EmailStatus = Literal["ok", "bounced", "complained"]

CONTACT_ERASED = "fi.digituki.contacts.contact.erased.v1"


class ContactSnapshotV1(EventData):
    """The full public snapshot of a person that other services need to target mail.

    Key = contact id on the compacted `contacts.contact.v1`; a tombstone (null value,
    type CONTACT_ERASED) means the person was erased.
    """

    event_type = "fi.digituki.contacts.contact.snapshot.v1"

    contact_id: uuid.UUID
    version: int
    email: str
    first_name: str = ""
    last_name: str = ""
    language: Language = "fi"
    organisation_id: uuid.UUID | None = None
    organisation_name: str | None = None
    organisation_type: str | None = None
    region: str | None = None
    municipality: str | None = None
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    subscription_state: SubscriptionState = "pending"
    confirmed_at: datetime | None = None
    newsletter_consent: bool = False
    survey_consent: bool = False
    membership_state: MembershipState = "none"
    ecosystem_role: str | None = None
    onboarding_state: OnboardingState = "not_invited"
    email_status: EmailStatus = "ok"
    last_engaged_on: date | None = None
    created_at: datetime | None = None
    # Keys of the competence areas in the lowest band ("getting started", 0-39 %) of the
    # person's latest identified self-assessment result (surveys.assessment.v1).
    weak_areas: tuple[str, ...] = ()
    # Event participation (contacts' participation/ from events.registration.v1): the newest
    # Helsinki day of an event the person attended, and the series (ids) of the events they
    # hold a registration or a waiting-list place for (cancelled ones do not count).
    last_attended_on: date | None = None
    registered_series: tuple[str, ...] = ()


class SegmentV1(EventData):
    """A segment definition; key = segment id on the compacted `contacts.segment.v1`."""

    event_type = "fi.digituki.contacts.segment.v1"

    segment_id: uuid.UUID
    version: int
    name: str
    rule: dict[str, Any]
    archived: bool = False


class ContactActivityV1(EventData):
    """A domain event about one person (subscribed, confirmed, membership changed, ...)."""

    event_type = "fi.digituki.contacts.activity.v1"

    contact_id: uuid.UUID
    kind: str
    occurred_at: datetime
    details: dict[str, Any] = Field(default_factory=dict)
