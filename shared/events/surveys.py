"""Events published by the surveys service."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from shared.events.envelope import EventData


class ResponseSubmittedV1(EventData):
    """A response was submitted. `contact_id` only in identified mode; day precision always."""

    event_type = "fi.digituki.surveys.response.submitted.v1"

    response_id: uuid.UUID
    survey_id: uuid.UUID
    campaign_id: uuid.UUID | None = None
    submitted_on: date
    contact_id: uuid.UUID | None = None


class AssessmentResultV1(EventData):
    """An identified self-assessment result, once its respondent opened the mailed result link.

    Percent (0-100) per competence area by the area's key, with the areas' Finnish names for
    whoever shows it (a contact's timeline); `weak_areas` are the keys below 40 %. Anonymous
    results are never published."""

    event_type = "fi.digituki.surveys.assessment.result.v1"

    attempt_id: uuid.UUID
    assessment_id: uuid.UUID
    contact_id: uuid.UUID | None = None
    taken_on: date
    percents: dict[str, int]
    area_names: dict[str, str]
    weak_areas: list[str]
    # The areas' names in Swedish and English (staff pages in English name them so).
    area_names_sv: dict[str, str] = Field(default_factory=dict)
    area_names_en: dict[str, str] = Field(default_factory=dict)
    previous_attempt_id: uuid.UUID | None = None
