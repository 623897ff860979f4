"""Mail requests and delivery outcomes (the newsletter service owns the one SMTP pipeline)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from shared.events.envelope import EventData

MailOutcome = Literal[
    "sent",
    "deferred",
    "bounced_hard",
    "bounced_soft",
    "complained",
    "opened",
    "clicked",
    "unsubscribed",
]
# campaign_test: a campaign's test send to staff addresses (no audience, no person).
MailOrigin = Literal["campaign", "campaign_test", "survey_invitation", "transactional"]


class MailRequestedV1(EventData):
    """A transactional mail asked for by any service; sent at most once per idempotency key."""

    event_type = "fi.digituki.mail.requested.v1"

    idempotency_key: str
    template_key: str
    language: Literal["fi", "sv", "en"] = "fi"
    to_email: str
    to_name: str = ""
    contact_id: uuid.UUID | None = None
    variables: dict[str, Any] = Field(default_factory=dict)
    origin: MailOrigin = "transactional"
    origin_id: str | None = None
    # What the origin is called for staff (a survey's title), carried into the mail events,
    # and the campaign it belongs to when origin_id names one mail (a survey invitation).
    origin_label: str | None = None
    origin_group: str | None = None


class MailEventV1(EventData):
    """One delivery outcome.

    Ids only where consumers know the person by id: the address travels only for mail to
    someone contacts has no id for (it then finds them by address), and a bounce's SMTP text
    never repeats the address. The topic keeps records one day (shared/events/topics.py)."""

    event_type = "fi.digituki.mail.event.v1"

    delivery_id: uuid.UUID
    outcome: MailOutcome
    occurred_at: datetime
    origin: MailOrigin
    origin_id: str | None = None
    contact_id: uuid.UUID | None = None
    email: str | None = None
    detail: str | None = None
    url: str | None = None
    # The campaign's name or the survey's title, so other services can show figures by name;
    # origin_group: the campaign of a survey invitation (origin_id is the invitation).
    origin_label: str | None = None
    origin_group: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _address_only_without_an_id(cls, values: Any) -> Any:
        if not isinstance(values, dict) or not values.get("email"):
            return values
        email = str(values["email"])
        cleaned = dict(values)
        if cleaned.get("detail"):
            pattern = re.compile(re.escape(email), re.IGNORECASE)
            cleaned["detail"] = pattern.sub("<address>", str(cleaned["detail"]))
        if cleaned.get("contact_id"):
            cleaned["email"] = None
        return cleaned
