"""Someone registering for an event asked to subscribe to the newsletter as well.

Events publishes it (through its outbox) only when the person ticked the unticked box on the
registration form; contacts consumes it and runs the same double opt-in as /join (the
person confirms by the link mailed to them; nothing is subscribed before that)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events.envelope import EventData


class NewsletterSignupRequestedV1(EventData):
    """A registrant's newsletter opt-in request (personal: the topic keeps it a day)."""

    event_type = "fi.digituki.events.newsletter-signup.v1"

    email: str = Field(max_length=254)
    name: str = Field("", max_length=200)
    language: Literal["fi", "sv", "en"] = "fi"
    organisation: str = Field("", max_length=200)
    # Where the request came from, for the person's timeline and the consent log.
    registration_id: uuid.UUID
    event_id: uuid.UUID
    requested_at: datetime
