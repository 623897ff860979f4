"""Events published by the surveys service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

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


class SurveyV1(EventData):
    """A survey as other services may offer it (compacted topic, key = survey id; the newest
    record of a key is the survey now): its title per language and the languages it is
    complete in. No questions travel. Events lets staff pick an event's feedback survey by
    this title."""

    event_type = "fi.digituki.surveys.survey.v1"

    survey_id: uuid.UUID
    version: int
    title: dict[str, str] = Field(default_factory=dict)
    state: Literal["active", "archived"] = "active"
    languages: list[str] = Field(default_factory=list)


class EventFeedbackV1(EventData):
    """How an event's feedback survey is doing (compacted topic, key = event id): the
    campaign surveys made for it, how many attendees were invited and how many have answered.
    Counts only: no person, registration or answer travels."""

    event_type = "fi.digituki.surveys.event_feedback.v1"

    event_id: uuid.UUID
    survey_id: uuid.UUID
    campaign_id: uuid.UUID
    version: int
    invited: int
    answered: int
    anonymous: bool = True
    # Where staff read the results (the staff path through the proxy).
    results_path: str = ""
