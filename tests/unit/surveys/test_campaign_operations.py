"""Invitation wording (greeting by name, dates in the recipient's locale, staff's own texts)
and running a campaign on the in-memory unit of work: reminders now, close, extend, the
reminder schedule in hours, the next reminder, placeholder questions refused at launch."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from surveys.builder import service as builder
from surveys.campaigns import operations
from surveys.campaigns import service as campaigns
from surveys.campaigns.domain import new_campaign
from surveys.campaigns.invitation_texts import clean_texts, compose, format_day
from surveys.errors import Conflict, InvalidInput

from shared.events.topics import MAIL_REQUESTED, STAFF_AUDIT
from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork
from tests.unit.surveys.test_campaigns_use_cases import (
    DEFINITION,
    EDITOR,
    LINKS,
    campaign_in,
    mails,
    reachable,
)

HOUR = timedelta(hours=1)


def test_dates_are_written_as_each_language_writes_them() -> None:
    day = date(2026, 12, 3)
    assert format_day(day, "fi") == "3.12.2026"
    assert format_day(day, "sv") == "3.12.2026"
    assert format_day(day, "en") == "3 December 2026"


def test_the_invitation_greets_by_name_or_plainly_and_fills_staffs_own_text() -> None:
    own = {"sv": {"subject": "Hjälp: {survey}", "body": "Hej!\n\nSvara före {closes}."}}
    named = compose(
        lang="sv", first_name="Stina", survey_title="Enkät", closes_on=date(2026, 12, 3), own=own
    )
    assert named.greeting == "Hej Stina,"
    assert named.subject == "Hjälp: Enkät"
    assert named.paragraphs == ("Hej!", "Svara före 3.12.2026.")
    plain = compose(lang="en", first_name=" ", survey_title="Survey", closes_on=date(2026, 12, 3))
    assert plain.greeting == "Hello,"
    assert plain.paragraphs == (
        "You are invited to answer the survey Survey. It closes on 3 December 2026.",
    )
    reminder = compose(
        lang="fi",
        first_name="Aino",
        survey_title="Kysely",
        closes_on=date(2026, 12, 3),
        reminder=True,
    )
    assert reminder.subject == "Muistutus: Kysely" and reminder.greeting == "Hei Aino,"


def test_own_texts_are_checked_and_empty_ones_mean_the_default() -> None:
    assert clean_texts({"subject_fi": " ", "body_sv": "Text"}) == {"sv": {"body": "Text"}}
    with pytest.raises(InvalidInput) as caught:
        clean_texts({"subject_en": "two\nlines"})
    assert caught.value.field == "subject_en"


def test_reminder_intervals_may_be_hours_but_not_under_one() -> None:
    base: dict[str, Any] = {
        "survey_id": uuid.uuid4(),
        "name": "x",
        "mode": "identified",
        "opens_at": NOW,
        "closes_at": NOW + WEEK,
        "audience": {"all": []},
        "max_reminders": 2,
        "reminder_interval_days": 7,
    }
    assert new_campaign(**base, reminder_interval=6 * HOUR).reminder_interval == 6 * HOUR
    with pytest.raises(InvalidInput):
        new_campaign(**base, reminder_interval=HOUR / 2)


def test_the_next_reminder_is_due_after_the_interval_and_never_after_closing() -> None:
    campaign = replace(
        new_campaign(
            survey_id=uuid.uuid4(),
            name="x",
            mode="identified",
            opens_at=NOW,
            closes_at=NOW + WEEK,
            audience={"all": []},
            max_reminders=1,
            reminder_interval_days=1,
        ),
        launched_at=NOW,
    )
    assert campaign.next_reminder(NOW, NOW) == NOW + timedelta(days=1)
    assert campaign.next_reminder(NOW - timedelta(days=3), NOW) == NOW  # overdue: now
    assert campaign.next_reminder(NOW + WEEK, NOW) is None  # after closing
    assert campaign.next_reminder(None, NOW) is None  # nobody left to remind


async def test_remind_now_reaches_non_respondents_once_and_is_audited() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01") for _ in range(3)])
    campaign_id = await campaign_in(uow, max_reminders=0)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    first = next(iter(uow.invitations.rows.values()))
    first.answered = True
    later = NOW + 2 * HOUR
    sent = await operations.remind_now(uow, campaign_id, links=LINKS, actor=EDITOR, now=later)
    assert sent == 2  # the schedule's limit of 0 does not stop staff
    again = await operations.remind_now(uow, campaign_id, links=LINKS, actor=EDITOR, now=later)
    assert again == 0  # mailed within the hour
    kinds = [m["template_key"] for m in mails(uow)]
    assert kinds.count("survey_reminder") == 2
    audits = [e.data for t, _, e in uow.published if t == STAFF_AUDIT.name]
    assert [a["action"] for a in audits if a and a["action"] == "campaign.reminded"] == [
        "campaign.reminded",
        "campaign.reminded",
    ]


async def test_close_extend_and_reschedule_are_audited_and_checked() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow)
    with pytest.raises(Conflict):
        await operations.remind_now(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    closed = await operations.close_now(uow, campaign_id, actor=EDITOR, now=NOW + HOUR)
    assert closed.closes_at == NOW + HOUR and closed.state(NOW + 2 * HOUR) == "closed"
    with pytest.raises(Conflict):
        await operations.close_now(uow, campaign_id, actor=EDITOR, now=NOW + 2 * HOUR)
    with pytest.raises(InvalidInput):
        await operations.change_closing(
            uow, campaign_id, closes_at=NOW, actor=EDITOR, now=NOW + 2 * HOUR
        )
    reopened = await operations.change_closing(
        uow, campaign_id, closes_at=NOW + WEEK, actor=EDITOR, now=NOW + 2 * HOUR
    )
    assert reopened.state(NOW + 3 * HOUR) == "open"
    scheduled = await operations.change_reminders(
        uow, campaign_id, max_reminders=3, interval=12 * HOUR, actor=EDITOR
    )
    assert (scheduled.max_reminders, scheduled.reminder_interval) == (3, 12 * HOUR)
    with pytest.raises(InvalidInput):
        await operations.change_reminders(
            uow, campaign_id, max_reminders=9, interval=12 * HOUR, actor=EDITOR
        )
    actions = {e.data["action"] for t, _, e in uow.published if t == STAFF_AUDIT.name and e.data}
    assert {"campaign.closed", "campaign.closing_changed", "campaign.reminders_changed"} <= actions
    with pytest.raises(Conflict):  # invitations went out at launch
        await operations.change_invitation(uow, campaign_id, texts={"body_fi": "x"}, actor=EDITOR)


async def test_a_placeholder_question_never_reaches_respondents() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow)
    campaign = uow.campaigns.rows[campaign_id]
    saved = uow.surveys.rows[campaign.survey_id]
    definition = {**DEFINITION, "pages": [{"questions": [
        *DEFINITION["pages"][0]["questions"],
        {"id": "q2", "type": "short_text", "text": {"fi": "Uusi kysymys"}},
    ]}]}  # fmt: skip
    await builder.update_survey(uow, saved.id, definition=definition, actor=EDITOR)
    with pytest.raises(Conflict) as caught:
        await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    assert "Question 2" in caught.value.message and "Uusi kysymys" in caught.value.message
    assert not [t for t, _, _ in uow.published if t == MAIL_REQUESTED.name]
    assert uow.campaigns.rows[campaign_id].launched_at is None
