"""Who gets the feedback survey after an event: attendees with a seat, once, after the end;
never cancelled registrations, the waiting list, no-shows, erased people or cancelled events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from events.feedback.domain import FeedbackSurvey, feedback_due

END = datetime(2027, 10, 4, 8, 0, tzinfo=UTC)
SURVEY = uuid.UUID("00000000-0000-4000-8000-000000000001")
MAX_AGE = timedelta(days=14)


def due(**changes: Any) -> bool:
    base: dict[str, Any] = {
        "event_state": "published",
        "ends_at": END,
        "survey_id": SURVEY,
        "registration_state": "registered",
        "attended_at": END - timedelta(hours=1),
        "requested_at": None,
        "email": "aino@example.fi",
        "now": END + timedelta(minutes=1),
        "max_age": MAX_AGE,
    }
    return feedback_due(**(base | changes))


def test_an_attendee_of_an_ended_event_is_asked() -> None:
    assert due()
    assert due(now=END)  # the moment it ends


def test_nobody_is_asked_before_the_end() -> None:
    assert not due(now=END - timedelta(seconds=1))


def test_an_attendee_is_asked_only_once() -> None:
    assert not due(requested_at=END + timedelta(minutes=1))


@pytest.mark.parametrize("state", ["cancelled", "waitlisted"])
def test_cancelled_and_waiting_registrations_are_not_asked(state: str) -> None:
    assert not due(registration_state=state)


def test_a_no_show_is_not_asked() -> None:
    assert not due(attended_at=None)


@pytest.mark.parametrize("state", ["cancelled", "draft", "declined", "pending"])
def test_only_published_events_ask(state: str) -> None:
    assert not due(event_state=state)


def test_an_event_without_a_survey_asks_nobody() -> None:
    assert not due(survey_id=None)


def test_attendance_marked_late_counts_until_the_window_closes() -> None:
    assert due(now=END + MAX_AGE)
    assert not due(now=END + MAX_AGE + timedelta(seconds=1))


def test_an_erased_registration_is_not_asked() -> None:
    registration = uuid.UUID("00000000-0000-4000-8000-000000000002")
    assert not due(email=f"{registration}@erased.invalid")
    assert not due(email="")


def test_a_survey_is_named_in_the_page_language_or_finnish() -> None:
    survey = FeedbackSurvey(id=SURVEY, title={"fi": "Palaute", "sv": "Respons"}, state="active")
    assert survey.name("sv") == "Respons"
    assert survey.name("en") == "Palaute"
