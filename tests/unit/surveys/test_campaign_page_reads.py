"""The reads surveys' campaign pages and API make through the unit of work (no engine in a
page): the segments a new campaign may choose, the answers through a public link on the
campaign's overview, and the public-link side of the API's status (link, waiting ballots)."""

from __future__ import annotations

import uuid

from surveys.campaigns import overview as staff_views
from surveys.campaigns.domain import SegmentChoice

from tests.unit.fakes.surveys import NOW, FakeSurveysUnitOfWork
from tests.unit.surveys.test_campaigns_use_cases import campaign_in


def segment(n: int, name: str) -> SegmentChoice:
    return SegmentChoice(id=uuid.UUID(int=n), name=name, rule={"all": []})


async def test_segment_choices_are_the_live_ones_in_the_alphabet_of_the_language() -> None:
    uow = FakeSurveysUnitOfWork()
    for s in (segment(1, "Ähtäri"), segment(2, "Zeta"), segment(3, "Arkisto"), segment(4, "Espoo")):
        uow.segments.rows[s.id] = s
    uow.segments.archived.add(uuid.UUID(int=3))
    found = await staff_views.segment_choices(uow, lang="fi")
    assert [(s["segment_id"], s["name"]) for s in found] == [
        (uuid.UUID(int=4), "Espoo"),
        (uuid.UUID(int=2), "Zeta"),
        (uuid.UUID(int=1), "Ähtäri"),
    ]
    assert uow.published == []  # a read publishes nothing


async def test_segment_choices_are_empty_without_live_segments() -> None:
    uow = FakeSurveysUnitOfWork()
    assert await staff_views.segment_choices(uow) == []
    uow.segments.rows[uuid.UUID(int=3)] = segment(3, "Arkisto")
    uow.segments.archived.add(uuid.UUID(int=3))
    assert await staff_views.segment_choices(uow) == []


async def test_the_overview_of_a_public_link_campaign_counts_who_answered_through_it() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = await campaign_in(uow, open_link=True)
    other = await campaign_in(uow, open_link=True)
    for key, of in ((b"a", campaign_id), (b"b", campaign_id), (b"c", campaign_id), (b"d", other)):
        await uow.open_slots.add(key=key, campaign_id=of, started_on=NOW.date())
    for key in (b"a", b"b", b"d"):
        await uow.open_slots.mark_answered(key)
    uow.open_slots.kept_answered[campaign_id] = 5  # counted by retention before deleting
    overview = await staff_views.campaign_overview(uow, campaign_id=campaign_id)
    assert overview["open_answered"] == 7


async def test_the_overview_of_a_campaign_without_a_public_link_has_no_such_count() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = await campaign_in(uow)
    overview = await staff_views.campaign_overview(uow, campaign_id=campaign_id)
    assert "open_answered" not in overview


async def test_the_public_side_names_the_link_and_the_ballots_waiting_for_their_batch() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = await campaign_in(uow, open_link=True)
    other = await campaign_in(uow)
    for of in (campaign_id, campaign_id, other):
        await uow.ballots.add(campaign_id=of, sealed=b"sealed")
    assert await staff_views.open_link_and_ballots(uow, campaign_id=campaign_id) == (True, 2)
    assert await staff_views.open_link_and_ballots(uow, campaign_id=other) == (False, 1)


async def test_the_public_side_of_a_campaign_without_link_or_ballots_is_empty() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = await campaign_in(uow)
    assert await staff_views.open_link_and_ballots(uow, campaign_id=campaign_id) == (False, 0)
    unknown = uuid.UUID(int=99)
    assert await staff_views.open_link_and_ballots(uow, campaign_id=unknown) == (False, 0)
