"""What staff see of a campaign, on the in-memory unit of work: the launch check, the status
and the overview (small groups and segments hidden, an anonymous campaign never counted by
person), the next reminder, and the scheduler's batches (each its own transaction)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from surveys.builder import service as builder
from surveys.campaigns import operations
from surveys.campaigns import overview as staff_views
from surveys.campaigns import service as campaigns
from surveys.errors import Conflict, NotFound
from surveys.results.domain import MIN_GROUP

from shared.events.topics import MAIL_REQUESTED
from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork
from tests.unit.surveys.test_campaigns_use_cases import (
    DEFINITION,
    EDITOR,
    LINKS,
    campaign_in,
    mails,
    reachable,
)


async def test_the_launch_check_counts_the_reachable_audience_by_language() -> None:
    people = [reachable(region="01") for _ in range(3)]
    people += [reachable(region="01", language="sv"), reachable(region="02")]
    people += [reachable(region="01", erased=True)]
    uow = FakeSurveysUnitOfWork(people=people)
    campaign_id = await campaign_in(uow)
    published = list(uow.published)
    check = await operations.launch_check(uow, campaign_id=campaign_id, now=NOW)
    assert check["audience"] == 4
    assert check["by_language"] == {"fi": 3, "sv": 1}
    assert check["missing"] == []  # the survey is written in fi and sv
    assert set(check["previews"]) >= {"fi", "sv"}
    assert uow.published == published  # a check changes nothing
    with pytest.raises(NotFound):
        await operations.launch_check(uow, campaign_id=uuid.uuid4(), now=NOW)


async def test_the_launch_check_reads_the_survey_as_it_is_now_before_launch() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow)
    saved = uow.surveys.rows[uow.campaigns.rows[campaign_id].survey_id]
    question = {"id": "q2", "type": "short_text", "text": {"fi": "Uusi kysymys"}}
    definition = {"title": DEFINITION["title"], "pages": [{"questions": [question]}]}
    await builder.update_survey(uow, saved.id, definition=definition, actor=EDITOR)
    check = await operations.launch_check(uow, campaign_id=campaign_id, now=NOW)
    assert [u["id"] for u in check["unfinished"]] == ["q2"]


async def test_the_status_of_an_identified_campaign_shows_only_big_enough_groups() -> None:
    people = [reachable(region="01", organisation_type="library") for _ in range(MIN_GROUP)]
    people += [reachable(region="01", organisation_type="school")]
    uow = FakeSurveysUnitOfWork(people=people)
    campaign_id = await campaign_in(uow)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    next(iter(uow.invitations.rows.values())).answered = True
    status = await campaigns.campaign_status(uow, campaign_id=campaign_id)
    assert (status["invited"], status["answered"]) == (MIN_GROUP + 1, 1)
    assert status["launched"] is True
    assert [g["group"] for g in status["response_rate_by"]["organisation_type"]] == ["library"]
    with pytest.raises(NotFound):
        await campaigns.campaign_status(uow, campaign_id=uuid.uuid4())


async def test_the_status_of_an_anonymous_campaign_is_never_broken_down_by_person() -> None:
    people = [reachable(region="01", organisation_type="library") for _ in range(MIN_GROUP)]
    uow = FakeSurveysUnitOfWork(people=people)
    campaign_id = await campaign_in(uow)
    anonymous = replace(uow.campaigns.rows[campaign_id], mode="anonymous")
    uow.campaigns.rows[campaign_id] = anonymous
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    status = await campaigns.campaign_status(uow, campaign_id=campaign_id)
    assert status["invited"] == MIN_GROUP
    assert status["response_rate_by"] == {}


async def test_the_overview_hides_small_segments_and_counts_what_retention_kept() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow)
    big, small = uuid.uuid4(), uuid.uuid4()
    campaign = uow.campaigns.rows[campaign_id]
    uow.campaigns.rows[campaign_id] = replace(
        campaign,
        segments=(
            {"id": str(big), "name": "Kirjastot", "rule": {}},
            {"id": str(small), "name": "Koulut", "rule": {}},
        ),
    )
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    uow.campaign_figures.by_segments[campaign_id] = [
        {"segment_id": big, "invited": MIN_GROUP, "answered": 2},
        {"segment_id": small, "invited": 1, "answered": 1},
    ]
    uow.campaign_figures.kept[campaign_id] = {"invited": 9, "answered": 3}
    overview = await staff_views.campaign_overview(uow, campaign_id=campaign_id)
    assert [r["name"] for r in overview["by_segment"]] == ["Kirjastot"]
    assert overview["hidden_segments"] == 1
    assert (overview["invited"], overview["answered"]) == (10, 3)
    with pytest.raises(NotFound):
        await staff_views.campaign_overview(uow, campaign_id=uuid.uuid4())


async def test_the_survey_overview_lists_its_campaigns_with_response_rates() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01") for _ in range(4)])
    campaign_id = await campaign_in(uow)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    next(iter(uow.invitations.rows.values())).answered = True
    survey_id = uow.campaigns.rows[campaign_id].survey_id
    survey, listed = await staff_views.survey_overview(uow, survey_id=survey_id)
    assert survey.title.get("fi") == "Tukitarpeet"
    assert [(c["id"], c["invited"], c["answered"]) for c in listed] == [(campaign_id, 4, 1)]
    assert listed[0]["response_rate"] == 25
    with pytest.raises(NotFound):
        await staff_views.survey_overview(uow, survey_id=uuid.uuid4())


async def test_results_pages_need_a_launched_campaign() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow)
    with pytest.raises(Conflict):
        await staff_views.launched_campaign(uow, campaign_id=campaign_id)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    campaign, survey = await staff_views.launched_campaign(uow, campaign_id=campaign_id)
    assert campaign.id == campaign_id and survey.question("uses") is not None
    with pytest.raises(NotFound):
        await staff_views.launched_campaign(uow, campaign_id=uuid.uuid4())


async def test_the_next_reminder_follows_the_oldest_unanswered_mail() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01") for _ in range(2)])
    campaign_id = await campaign_in(uow, max_reminders=1, reminder_interval_days=2)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    campaign = uow.campaigns.rows[campaign_id]
    due = await operations.next_reminder(uow, campaign=campaign, now=NOW)
    assert due == NOW + timedelta(days=2)
    for invitation in uow.invitations.rows.values():
        invitation.answered = True
    assert await operations.next_reminder(uow, campaign=campaign, now=NOW) is None


async def test_the_scheduler_sends_due_reminders_batch_by_batch() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01") for _ in range(5)])
    campaign_id = await campaign_in(uow, max_reminders=1, reminder_interval_days=1)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    commits = uow.commits
    later = NOW + timedelta(days=1, hours=1)
    assert await campaigns.send_due_reminders(uow, links=LINKS, now=NOW, batch_size=2) == 0
    assert await campaigns.send_due_reminders(uow, links=LINKS, now=later, batch_size=2) == 5
    assert uow.commits - commits >= 3  # 2 + 2 + 1: one transaction per batch
    reminders = [m for m in mails(uow) if m["template_key"] == "survey_reminder"]
    assert len(reminders) == 5
    assert await campaigns.send_due_reminders(uow, links=LINKS, now=later + WEEK) == 0
    assert MAIL_REQUESTED.name in uow.topics()
