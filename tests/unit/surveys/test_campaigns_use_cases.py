"""Campaign use cases on the in-memory unit of work: creation rules, launch, reminders."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from surveys.builder import service as builder
from surveys.builder.service import Actor
from surveys.campaigns import service as campaigns
from surveys.campaigns.domain import SegmentChoice
from surveys.errors import Conflict, InvalidInput, NotFound

from shared.events.topics import MAIL_REQUESTED, STAFF_AUDIT
from shared.tokens import TokenKeys
from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork, person

EDITOR = Actor(id="staff-1", role="editor")
LINKS = campaigns.Links(keys=TokenKeys.single("unit-test-secret"), base_url="https://x.test")
DEFINITION: dict[str, Any] = {
    "title": {"fi": "Tukitarpeet", "sv": "Stödbehov"},
    "pages": [
        {"questions": [{"id": "uses", "type": "short_text", "text": {"fi": "Mitä?", "sv": "Vad?"}}]}
    ],
}
UUSIMAA = {"field": "region", "op": "eq", "value": "01"}


def reachable(**values: Any) -> dict[str, Any]:
    return person(survey_consent=True, confirmed_at=NOW - WEEK, email_status="ok", **values)


async def survey_in(uow: FakeSurveysUnitOfWork) -> uuid.UUID:
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    return uuid.UUID(created["id"])


async def campaign_in(
    uow: FakeSurveysUnitOfWork, audience: dict[str, Any] | None = None, **extra: Any
) -> uuid.UUID:
    campaign = await campaigns.create_campaign(
        uow,
        survey_id=await survey_in(uow),
        name="Kevät",
        mode="identified",
        opens_at=NOW,
        closes_at=NOW + 4 * WEEK,
        audience=audience or UUSIMAA,
        actor=EDITOR,
        **extra,
    )
    return campaign.id


def mails(uow: FakeSurveysUnitOfWork) -> list[dict[str, Any]]:
    return [e.data or {} for topic, _, e in uow.published if topic == MAIL_REQUESTED.name]


async def test_a_campaign_needs_a_valid_audience_rule_named_by_its_place() -> None:
    uow = FakeSurveysUnitOfWork()
    with pytest.raises(InvalidInput) as caught:
        await campaign_in(uow, audience={"field": "shoe_size", "op": "eq", "value": "44"})
    assert caught.value.field is not None and caught.value.field.startswith("audience")
    assert uow.campaigns.rows == {}


async def test_a_campaign_of_a_missing_survey_is_not_found() -> None:
    uow = FakeSurveysUnitOfWork()
    with pytest.raises(NotFound):
        await campaigns.create_campaign(
            uow,
            survey_id=uuid.uuid4(),
            name="Kevät",
            mode="identified",
            opens_at=NOW,
            closes_at=NOW + WEEK,
            audience=UUSIMAA,
            actor=EDITOR,
        )


async def test_chosen_segments_become_the_audience_and_unknown_ones_are_refused() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01"), reachable(tags=["vip"])])
    vip = SegmentChoice(
        id=uuid.uuid4(), name="VIP", rule={"field": "tags", "op": "contains", "value": "vip"}
    )
    uow.segments.rows[vip.id] = vip
    campaign_id = await campaign_in(uow, segment_ids=[vip.id])
    campaign = uow.campaigns.rows[campaign_id]
    assert campaign.audience == {"any": [vip.rule]}
    assert [s["name"] for s in campaign.segments] == ["VIP"]
    with pytest.raises(InvalidInput):
        await campaign_in(uow, segment_ids=[vip.id, uuid.uuid4()])


async def test_launch_invites_the_reachable_audience_and_requests_their_mails() -> None:
    inside = reachable(region="01", language="sv")
    people = [
        inside,
        reachable(region="02"),
        person(region="01"),
        reachable(region="01", erased=True),
    ]
    uow = FakeSurveysUnitOfWork(people=people)
    campaign_id = await campaign_in(uow)
    invited = await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    assert invited == 1
    [mail] = mails(uow)
    assert mail["to_email"] == inside["email"]
    assert mail["language"] == "sv"
    assert mail["variables"]["survey_title"] == "Stödbehov"
    assert mail["variables"]["survey_url"].startswith("https://x.test/")
    launched = uow.campaigns.rows[campaign_id]
    assert launched.launched_at == NOW
    assert launched.survey_definition is not None
    assert launched.survey_definition["title"]["fi"] == "Tukitarpeet"
    assert uow.topics().count(STAFF_AUDIT.name) == 3  # survey, campaign created; launched


async def test_a_campaign_is_launched_once() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    published = len(uow.published)
    with pytest.raises(Conflict):
        await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)
    assert len(uow.published) == published


async def test_a_closed_campaign_cannot_be_launched() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow)
    with pytest.raises(Conflict):
        await campaigns.launch_campaign(
            uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW + 5 * WEEK
        )
    assert uow.campaigns.rows[campaign_id].launched_at is None
    assert mails(uow) == []


async def test_launching_a_missing_campaign_is_not_found() -> None:
    with pytest.raises(NotFound):
        await campaigns.launch_campaign(
            FakeSurveysUnitOfWork(), uuid.uuid4(), links=LINKS, actor=EDITOR, now=NOW
        )


async def test_reminders_wait_the_interval_and_stop_at_the_maximum() -> None:
    uow = FakeSurveysUnitOfWork(people=[reachable(region="01")])
    campaign_id = await campaign_in(uow, max_reminders=2, reminder_interval_days=1)
    await campaigns.launch_campaign(uow, campaign_id, links=LINKS, actor=EDITOR, now=NOW)

    async def remind(at: timedelta) -> int:
        return await campaigns.remind_campaign(uow, campaign_id, links=LINKS, now=NOW + at)

    assert await remind(timedelta(hours=12)) == 0
    assert await remind(timedelta(days=1, hours=1)) == 1
    assert await remind(timedelta(days=1, hours=2)) == 0
    assert await remind(timedelta(days=2, hours=2)) == 1
    assert await remind(timedelta(days=9)) == 0
    kinds = [m["idempotency_key"].split(":")[0] for m in mails(uow)]
    assert kinds == ["survey-invitation", "survey-reminder", "survey-reminder"]
    assert [m["template_key"] for m in mails(uow)][1:] == ["survey_reminder"] * 2
