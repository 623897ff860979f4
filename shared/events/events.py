"""Events published by the events service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events.envelope import EventData

EventKind = Literal["webinar", "workshop", "learning_circle", "digitaitoviikko", "other"]
RegistrationChange = Literal["registered", "waitlisted", "promoted", "cancelled", "attended"]


class EventPublishedV1(EventData):
    """A published event as the public sees it (compacted topic, key = event id; the newest
    record of a key is the event now). A cancelled event keeps its record with
    `state = "cancelled"`; a tombstone means it was withdrawn entirely."""

    event_type = "fi.digituki.events.event.v1"

    event_id: uuid.UUID
    version: int
    state: Literal["published", "cancelled"]
    kind: EventKind
    title: dict[str, str] = Field(default_factory=dict)
    starts_at: datetime
    ends_at: datetime
    online: bool
    municipality: str | None = None
    region: str | None = None
    capacity: int | None = None
    languages: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    organiser: str = ""
    series_id: uuid.UUID | None = None
    series_name: dict[str, str] = Field(default_factory=dict)
    url: str = ""


class RegistrationChangedV1(EventData):
    """Someone registered, landed on or left the waiting list, cancelled or attended.

    `contact_id` only when the registrant's address belongs to a known person (the replica of
    contacts.contact.v1); no address or name travels."""

    event_type = "fi.digituki.events.registration.v1"

    registration_id: uuid.UUID
    event_id: uuid.UUID
    change: RegistrationChange
    occurred_at: datetime
    contact_id: uuid.UUID | None = None
    series_id: uuid.UUID | None = None
    event_kind: EventKind = "other"


class FeedbackRequestedV1(EventData):
    """After an event: ask one attendee for feedback with the event's survey (short-lived,
    personal topic, key = event id). Surveys makes a personal invitation of it (once per
    `registration_id`) and mails it in `language`. `contact_id` when the address belongs to a
    known person; otherwise the address and name are the only way to reach them."""

    event_type = "fi.digituki.events.feedback_requested.v1"

    registration_id: uuid.UUID
    event_id: uuid.UUID
    event_title: dict[str, str] = Field(default_factory=dict)
    event_ends_at: datetime
    survey_id: uuid.UUID
    # Answers must not be linkable to the person (nor to the registration).
    anonymous: bool = True
    email: str
    name: str = ""
    language: Literal["fi", "sv", "en"] = "fi"
    contact_id: uuid.UUID | None = None
