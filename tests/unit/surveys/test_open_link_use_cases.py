"""The public link on the in-memory unit of work: a slot per browser, one answer each, stored
as anonymous whatever the campaign's mode."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from surveys.builder import service as builder
from surveys.builder.service import Actor
from surveys.campaigns import service as campaigns
from surveys.open_link import service as open_link
from surveys.responding.service import LinkProblem

from shared.events.topics import SURVEY_RESPONSES
from shared.tokens import TokenKeys
from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
KEYS = TokenKeys.single("unit-test-secret")
LINKS = campaigns.Links(keys=KEYS, base_url="https://x.test")
DEFINITION: dict[str, Any] = {
    "title": {"fi": "Avoin"},
    "pages": [{"questions": [{"id": "need", "type": "short_text", "text": "Mitä?"}]}],
}
LATER = NOW + timedelta(hours=1)


async def public_campaign(
    *, open_link_on: bool = True, launch: bool = True
) -> tuple[FakeSurveysUnitOfWork, str]:
    uow = FakeSurveysUnitOfWork()
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    campaign = await campaigns.create_campaign(
        uow,
        survey_id=uuid.UUID(created["id"]),
        name="Avoin",
        mode="identified",  # the open link answers anonymously all the same
        opens_at=NOW,
        closes_at=NOW + WEEK,
        audience={"any": []},
        open_link=open_link_on,
        actor=EDITOR,
    )
    if launch:
        await campaigns.launch_campaign(uow, campaign.id, links=LINKS, actor=EDITOR, now=NOW)
    return uow, open_link.make_token(KEYS, campaign.id)


async def test_a_first_visit_gets_a_slot_that_finds_its_session_again() -> None:
    uow, token = await public_campaign()
    assert await open_link.find_session(uow, keys=KEYS, token=token, slot=None, now=LATER) is None
    session, slot = await open_link.start(uow, keys=KEYS, token=token, now=LATER)
    assert session.open_link and session.anonymous
    again = await open_link.find_session(uow, keys=KEYS, token=token, slot=slot, now=LATER)
    assert again is not None and again.key == session.key
    assert slot.encode() not in b"".join(uow.open_slots.rows)  # only its hash is kept


async def test_a_browser_answers_once_and_the_answer_keeps_no_person() -> None:
    uow, token = await public_campaign()
    _, slot = await open_link.start(uow, keys=KEYS, token=token, now=LATER)
    outcome = await open_link.answer_page(
        uow,
        keys=KEYS,
        token=token,
        slot=slot,
        page=0,
        raw={"need": "Tilat"},
        action="submit",
        now=LATER,
    )
    assert outcome is not None and outcome.submitted
    [stored] = uow.responses.rows.values()
    assert (stored.contact_id, stored.invitation_id, stored.submitted_at) == (None, None, None)
    assert len([p for p in uow.published if p[0] == SURVEY_RESPONSES.name]) == 1
    with pytest.raises(LinkProblem) as caught:
        await open_link.find_session(uow, keys=KEYS, token=token, slot=slot, now=LATER)
    assert caught.value.kind == "used"
    thanks = await open_link.answered(uow, keys=KEYS, token=token, slot=slot)
    assert thanks is not None


async def test_a_link_of_a_campaign_without_one_or_not_launched_cannot_be_answered() -> None:
    for options, kind in [({"open_link_on": False}, "unknown"), ({"launch": False}, "not_open")]:
        uow, token = await public_campaign(**options)
        with pytest.raises(LinkProblem) as caught:
            await open_link.start(uow, keys=KEYS, token=token, now=LATER)
        assert caught.value.kind == kind
        assert uow.open_slots.rows == {}


async def test_a_slot_of_another_campaign_is_no_slot_here() -> None:
    uow, token = await public_campaign()
    [campaign] = uow.campaigns.rows.values()
    second = await campaigns.create_campaign(
        uow,
        survey_id=campaign.survey_id,
        name="Toinen",
        mode="anonymous",
        opens_at=NOW,
        closes_at=NOW + WEEK,
        audience={"any": []},
        open_link=True,
        actor=EDITOR,
    )
    await campaigns.launch_campaign(uow, second.id, links=LINKS, actor=EDITOR, now=NOW)
    _, slot = await open_link.start(uow, keys=KEYS, token=token, now=LATER)
    other = open_link.make_token(KEYS, second.id)
    assert await open_link.find_session(uow, keys=KEYS, token=other, slot=slot, now=LATER) is None
