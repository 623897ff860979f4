"""The feedback survey after an event: who is asked, and when.

An attendee is asked once, after the event has ended, when the event is published (not
cancelled), has a feedback survey, and the registration holds a seat (not cancelled, not
left on the waiting list) and was marked attended (check-in or the attendance file). A
no-show is not asked. Attendance marked late still counts until `max_age` after the end, so an
old event never mails everyone at once when a survey is chosen for it afterwards. An erased
registration (its address emptied) is never asked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

ERASED_SUFFIX = "@erased.invalid"


def feedback_due(
    *,
    event_state: str,
    ends_at: datetime,
    survey_id: uuid.UUID | None,
    registration_state: str,
    attended_at: datetime | None,
    requested_at: datetime | None,
    email: str,
    now: datetime,
    max_age: timedelta,
) -> bool:
    """Whether this registration's feedback request goes out now."""
    return (
        survey_id is not None
        and event_state == "published"
        and ends_at <= now
        and now - ends_at <= max_age
        and registration_state == "registered"
        and attended_at is not None
        and requested_at is None
        and bool(email)
        and not email.endswith(ERASED_SUFFIX)
    )


@dataclass(frozen=True)
class FeedbackSurvey:
    """A survey staff may choose (the replica of surveys.survey.v1)."""

    id: uuid.UUID
    title: dict[str, str]
    state: str
    languages: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("fi") or next(iter(self.title.values()), "")


@dataclass(frozen=True)
class FeedbackStatus:
    """An event's feedback campaign as surveys reports it (surveys.event_feedback.v1)."""

    survey_id: uuid.UUID
    campaign_id: uuid.UUID
    invited: int
    answered: int
    anonymous: bool
    results_path: str
