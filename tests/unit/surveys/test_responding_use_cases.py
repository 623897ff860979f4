"""Answering through a personal link, on the in-memory unit of work: drafts, checks,
one submission, anonymity, editing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from surveys.builder import service as builder
from surveys.builder.service import Actor
from surveys.campaigns import service as campaigns
from surveys.campaigns.domain import HELSINKI
from surveys.responding import service as responding
from surveys.responding.service import LinkCheck, LinkProblem

from shared.events.topics import MAIL_REQUESTED, SURVEY_RESPONSES
from shared.tokens import TokenKeys
from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork, person

EDITOR = Actor(id="staff-1", role="editor")
KEYS = TokenKeys.single("unit-test-secret")
LINKS = campaigns.Links(keys=KEYS, base_url="https://x.test")
CHECK = LinkCheck(keys=KEYS, max_age_s=90 * 86_400)
DEFINITION: dict[str, Any] = {
    "title": {"fi": "Tukitarpeet"},
    "pages": [
        {"questions": [{"id": "need", "type": "short_text", "text": "Mitä?", "required": True}]},
        {"questions": [{"id": "ease", "type": "scale", "text": "Helppous"}]},
    ],
}
LATER = NOW + timedelta(hours=2)


async def invited(
    mode: str = "identified", *, allow_edit: bool = False, reminders: int = 0
) -> tuple[FakeSurveysUnitOfWork, dict[str, Any], str]:
    """A launched campaign with one invited person: (uow, the person, their link token)."""
    someone = person(
        survey_consent=True,
        confirmed_at=NOW - WEEK,
        email_status="ok",
        region="01",
        organisation_type="association",
    )
    uow = FakeSurveysUnitOfWork(people=[someone])
    created = await builder.create_survey(
        uow, definition={**DEFINITION, "allow_edit": allow_edit}, actor=EDITOR
    )
    campaign = await campaigns.create_campaign(
        uow,
        survey_id=uuid.UUID(created["id"]),
        name="Kevät",
        mode=mode,
        opens_at=NOW,
        closes_at=NOW + WEEK,
        audience={"field": "region", "op": "eq", "value": "01"},
        max_reminders=reminders,
        reminder_interval_days=1,
        actor=EDITOR,
    )
    await campaigns.launch_campaign(uow, campaign.id, links=LINKS, actor=EDITOR, now=NOW)
    return uow, someone, _last_token(uow)


def _last_token(uow: FakeSurveysUnitOfWork) -> str:
    mail = [e.data or {} for t, _, e in uow.published if t == MAIL_REQUESTED.name][-1]
    url: str = mail["variables"]["survey_url"]
    return url.rsplit("/s/", 1)[1]


async def answer(
    uow: FakeSurveysUnitOfWork, token: str, page: int, raw: dict[str, Any], action: str
) -> responding.Outcome:
    return await responding.answer_page(
        uow,
        token=token,
        check=CHECK,
        page=page,
        raw=raw,
        action=action,
        now=LATER,  # type: ignore[arg-type]
    )


def responses_published(uow: FakeSurveysUnitOfWork) -> list[dict[str, Any]]:
    return [e.data or {} for t, _, e in uow.published if t == SURVEY_RESPONSES.name]


async def test_a_page_answered_is_kept_as_a_draft_the_link_reopens_at() -> None:
    uow, _, token = await invited()
    outcome = await answer(uow, token, 0, {"need": "Rahoitus"}, "next")
    assert (outcome.page, outcome.errors, outcome.submitted) == (1, [], False)
    session = await responding.open_link(uow, token=token, check=CHECK, now=LATER)
    assert (session.page, session.answers) == (1, {"need": "Rahoitus"})
    assert responses_published(uow) == []


async def test_a_missing_required_answer_stays_on_its_page_with_the_error() -> None:
    uow, _, token = await invited()
    outcome = await answer(uow, token, 0, {"need": ""}, "next")
    assert outcome.page == 0
    assert [e.question for e in outcome.errors] == ["need"]
    assert uow.responses.drafts == {}


async def test_submission_stores_the_identified_response_once_and_publishes_it() -> None:
    uow, someone, token = await invited()
    await answer(uow, token, 0, {"need": "Rahoitus"}, "next")
    outcome = await answer(uow, token, 1, {"ease": "4"}, "submit")
    assert outcome.submitted
    [stored] = uow.responses.rows.values()
    assert stored.answers == {"need": "Rahoitus", "ease": 4}
    assert (stored.contact_id, stored.region) == (someone["contact_id"], "01")
    assert stored.submitted_at == LATER
    assert uow.responses.drafts == {}
    [event] = responses_published(uow)
    assert event["contact_id"] == str(someone["contact_id"])
    with pytest.raises(LinkProblem) as caught:
        await responding.open_link(uow, token=token, check=CHECK, now=LATER)
    assert caught.value.kind == "used"


async def test_an_anonymous_response_keeps_no_person_and_only_the_day() -> None:
    uow, _, token = await invited("anonymous")
    await answer(uow, token, 0, {"need": "Rahoitus"}, "next")
    await answer(uow, token, 1, {}, "submit")
    [stored] = uow.responses.rows.values()
    assert (stored.contact_id, stored.invitation_id, stored.submitted_at) == (None, None, None)
    assert (stored.region, stored.organisation_type, stored.language) == (None, None, None)
    assert stored.submitted_on == LATER.astimezone(HELSINKI).date()
    [(_, _, event)] = [p for p in uow.published if p[0] == SURVEY_RESPONSES.name]
    assert event.data is not None and event.data["contact_id"] is None
    day_start = datetime.combine(stored.submitted_on, time(), HELSINKI).astimezone(UTC)
    assert event.time == day_start


async def test_a_survey_that_allows_editing_replaces_the_submitted_answers() -> None:
    uow, _, token = await invited(allow_edit=True)
    await answer(uow, token, 0, {"need": "Rahoitus"}, "next")
    await answer(uow, token, 1, {"ease": "2"}, "submit")
    session = await responding.open_link(uow, token=token, check=CHECK, now=LATER)
    assert session.response_id is not None and session.answers["ease"] == 2
    await answer(uow, token, 1, {"ease": "5"}, "back")
    assert uow.responses.drafts == {}  # editing keeps no draft: only a submission changes it
    await answer(uow, token, 1, {"ease": "5"}, "submit")
    [stored] = uow.responses.rows.values()
    assert stored.answers == {"need": "Rahoitus", "ease": 5}
    assert len(responses_published(uow)) == 1  # an edit is not a new response


async def test_a_reminder_link_answers_the_same_invitation() -> None:
    uow, _, first = await invited(reminders=1)
    await answer(uow, first, 0, {"need": "Rahoitus"}, "next")
    assert (
        await campaigns.remind_campaign(uow, _campaign_id(uow), links=LINKS, now=NOW + WEEK / 2)
        == 1
    )
    reminder = _last_token(uow)
    assert reminder != first
    session = await responding.open_link(uow, token=reminder, check=CHECK, now=LATER)
    assert session.answers == {"need": "Rahoitus"}  # the draft of the first link


async def test_links_that_cannot_be_answered_say_why() -> None:
    uow, _, token = await invited()
    for at, kind in [(NOW - timedelta(hours=1), "not_open"), (NOW + 2 * WEEK, "closed")]:
        with pytest.raises(LinkProblem) as caught:
            await responding.open_link(uow, token=token, check=CHECK, now=at)
        assert caught.value.kind == kind
    with pytest.raises(LinkProblem) as caught:
        await responding.open_link(uow, token=token[:-3] + "abc", check=CHECK, now=LATER)
    assert caught.value.kind == "forged"


def _campaign_id(uow: FakeSurveysUnitOfWork) -> uuid.UUID:
    [campaign_id] = uow.campaigns.rows
    return campaign_id
