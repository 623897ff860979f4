"""The reads newsletter's staff pages make through the unit of work (no engine in a page):
the campaign list, where a test send went, the segments and topics the composer offers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from newsletter.composer import service as composer
from newsletter.statistics import service as statistics

from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

CAMPAIGN = uuid.UUID("00000000-0000-0000-0000-0000000000c1")
COPY = uuid.UUID("00000000-0000-0000-0000-0000000000c2")
OTHER = uuid.UUID("00000000-0000-0000-0000-0000000000c3")


def row(campaign_id: uuid.UUID, name: str, status: str, day: int) -> dict[str, object]:
    created = datetime(2026, 3, day, tzinfo=UTC)
    return {"id": campaign_id, "name": name, "status": status, "created_at": created}


async def test_campaign_list_leaves_test_copies_out() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.statistics.overview = [
        row(CAMPAIGN, "Maaliskuu", "sent", 2),
        row(COPY, "Maaliskuu (test)", "test", 2),
        row(OTHER, "Helmikuu", "draft", 1),
    ]
    found = await statistics.campaign_list(uow)
    assert [c["name"] for c in found] == ["Maaliskuu", "Helmikuu"]
    assert uow.published == []  # a read publishes nothing


async def test_campaign_list_is_empty_without_campaigns() -> None:
    assert await statistics.campaign_list(FakeNewsletterUnitOfWork()) == []


async def test_test_mails_are_those_of_the_copy_of_this_campaign_by_address() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.composer.test_sends[COPY] = (
        CAMPAIGN,
        [("b@example.org", "sent"), ("a@example.org", "pending")],
    )
    found = await composer.test_mails(uow, campaign_id=CAMPAIGN, copy_id=COPY)
    assert found == [("a@example.org", "pending"), ("b@example.org", "sent")]
    # the copy of another campaign says nothing about this one
    assert await composer.test_mails(uow, campaign_id=OTHER, copy_id=COPY) == []


async def test_test_mails_are_none_for_an_unknown_copy() -> None:
    uow = FakeNewsletterUnitOfWork()
    assert await composer.test_mails(uow, campaign_id=CAMPAIGN, copy_id=COPY) == []


async def test_known_topics_count_followers() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.composer.followed = [["webinaarit", "tekoäly"], ["webinaarit"], []]
    assert await composer.known_topics(uow) == {"tekoäly": 1, "webinaarit": 2}


async def test_known_topics_are_empty_when_nobody_follows_any() -> None:
    assert await composer.known_topics(FakeNewsletterUnitOfWork()) == {}


async def test_segment_choices_are_the_live_ones_in_the_alphabet_of_the_language() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.segments.rows = [
        {"segment_id": uuid.UUID(int=1), "name": "Ähtäri", "archived": False},
        {"segment_id": uuid.UUID(int=2), "name": "Zeta", "archived": False},
        {"segment_id": uuid.UUID(int=3), "name": "Arkistoitu", "archived": True},
        {"segment_id": uuid.UUID(int=4), "name": "Espoo", "archived": False},
    ]
    found = await composer.segment_choices(uow, "fi")
    assert [s["name"] for s in found] == ["Espoo", "Zeta", "Ähtäri"]


async def test_segment_choices_are_empty_without_segments() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.segments.rows = [{"segment_id": uuid.UUID(int=3), "name": "Vanha", "archived": True}]
    assert await composer.segment_choices(uow) == []
