"""Events published by the surveys service."""

from __future__ import annotations

import uuid
from datetime import date

from shared.events.envelope import EventData


class ResponseSubmittedV1(EventData):
    """A response was submitted. `contact_id` only in identified mode; day precision always."""

    event_type = "fi.digituki.surveys.response.submitted.v1"

    response_id: uuid.UUID
    survey_id: uuid.UUID
    campaign_id: uuid.UUID | None = None
    submitted_on: date
    contact_id: uuid.UUID | None = None
