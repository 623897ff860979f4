"""Inviting an event's attendee to its feedback survey, on the in-memory unit of work: the
event's campaign is made and launched at the first request only, each registration is invited
once, the mail and the event's new counts are published together, and those left out (erased,
bounced, an unfinished survey) get nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from surveys.builder import service as builder
from surveys.event_feedback.domain import Known
from surveys.event_feedback.service import invite_attendee

from shared.events.events import FeedbackRequestedV1
from shared.events.topics import EVENT_FEEDBACK, MAIL_REQUESTED
from tests.unit.fakes.surveys import NOW, FakeSurveysUnitOfWork
from tests.unit.surveys.test_campaigns_use_cases import DEFINITION, EDITOR, LINKS

pytestmark = pytest.mark.unit

EVENT = uuid.UUID(int=42)


async def survey(uow: FakeSurveysUnitOfWork, definition: dict[str, Any] = DEFINITION) -> uuid.UUID:
    created = await builder.create_survey(uow, definition=definition, actor=EDITOR)
    return uuid.UUID(created["id"])


def request(survey_id: uuid.UUID, **changes: Any) -> FeedbackRequestedV1:
    body: dict[str, Any] = {
        "registration_id": uuid.uuid4(),
        "event_id": EVENT,
        "event_title": {"fi": "Digitaidot tutuksi"},
        "event_ends_at": NOW - timedelta(hours=1),
        "survey_id": survey_id,
        "email": "stina@example.fi",
        "name": "Stina Berg",
        "language": "sv",
    }
    return FeedbackRequestedV1(**(body | changes))


async def invite(uow: FakeSurveysUnitOfWork, req: FeedbackRequestedV1) -> str:
    return await invite_attendee(uow, request=req, links=LINKS, days=14, now=NOW)


def published(uow: FakeSurveysUnitOfWork, topic: str) -> list[dict[str, Any]]:
    return [e.data or {} for t, _, e in uow.published if t == topic]


async def test_one_launched_campaign_per_event_and_one_invitation_per_registration() -> None:
    uow = FakeSurveysUnitOfWork()
    survey_id = await survey(uow)
    first = request(survey_id)
    assert await invite(uow, first) == "invited"
    assert await invite(uow, request(survey_id, email="aino@example.fi")) == "invited"
    assert await invite(uow, first) == "already"  # a redelivered request
    [campaign] = uow.campaigns.rows.values()
    assert campaign.launched_at == NOW and campaign.anonymous and campaign.max_reminders == 0
    mails = published(uow, MAIL_REQUESTED.name)
    assert [m["to_email"] for m in mails] == ["stina@example.fi", "aino@example.fi"]
    counts = published(uow, EVENT_FEEDBACK.name)
    assert [(c["invited"], c["version"]) for c in counts] == [(1, 2), (2, 3)]


async def test_people_left_out_get_no_mail_and_change_no_counts() -> None:
    uow = FakeSurveysUnitOfWork()
    survey_id = await survey(uow)
    erased = Known(uuid.uuid4(), erased=True, email=None, email_status=None)
    uow.event_feedback.known.append(erased)
    uow.event_feedback.bounced.add("gone@example.fi")
    assert await invite(uow, request(survey_id, contact_id=erased.contact_id)) == "erased"
    assert await invite(uow, request(survey_id, email="gone@example.fi")) == "unreachable"
    assert published(uow, MAIL_REQUESTED.name) == []
    assert published(uow, EVENT_FEEDBACK.name) == []


async def test_an_unfinished_or_missing_survey_makes_no_campaign() -> None:
    uow = FakeSurveysUnitOfWork()
    question = {"id": "q2", "type": "short_text", "text": {"fi": "Uusi kysymys"}}
    unfinished = await survey(
        uow, {"title": DEFINITION["title"], "pages": [{"questions": [question]}]}
    )
    assert await invite(uow, request(unfinished)) == "not_ready"
    assert await invite(uow, request(uuid.uuid4())) == "no_survey"
    assert uow.campaigns.rows == {} and uow.event_feedback.events == {}


async def test_a_request_after_the_feedback_window_is_too_late() -> None:
    uow = FakeSurveysUnitOfWork()
    survey_id = await survey(uow)
    assert await invite(uow, request(survey_id)) == "invited"
    late = await invite_attendee(
        uow, request=request(survey_id), links=LINKS, days=14, now=NOW + timedelta(days=30)
    )
    assert late == "closed"
    assert len(published(uow, MAIL_REQUESTED.name)) == 1
