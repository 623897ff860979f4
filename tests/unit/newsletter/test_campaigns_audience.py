"""Who a campaign reaches, on the in-memory unit of work: the preview the staff see is the
audience the sending checks and the materialisation use."""

from __future__ import annotations

import uuid

import pytest
from newsletter.campaigns import service
from newsletter.errors import InvalidInput, NotFound
from newsletter.suppression.domain import email_hmac

from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork
from tests.unit.newsletter.test_campaigns_lifecycle import SETTINGS, STAFF, draft, person


async def test_the_preview_counts_only_people_who_may_get_the_campaign() -> None:
    uow = FakeNewsletterUnitOfWork()
    welcome = [person(language="sv"), person(language="en"), person(language=None)]
    unwelcome = [
        person(newsletter_consent=False),
        person(subscription_state="unsubscribed"),
        person(confirmed_at=None),
        person(email_status="bounced"),
        person(erased=True),
        person(email=None),
        person(email="Complainer@Example.fi"),
    ]
    uow.audiences.people += welcome + unwelcome
    uow.audiences.suppressed.add(email_hmac(uow.suppression_key, "complainer@example.fi"))
    campaign_id = await draft(uow)
    found = await service.audience_preview(uow, campaign_id)
    assert found["count"] == 3
    assert found["languages"] == {"sv": 1, "en": 1, "none": 1}
    # The sample shows the language each gets: their own if written, else the fallback.
    got = {r["email"]: r["language"] for r in found["sample"]}
    assert got == {p["email"]: "sv" if p["language"] == "sv" else "fi" for p in welcome}
    assert {r["name"] for r in found["sample"]} == {"Aino Virtanen"}
    assert uow.commits == 0  # reading changes nothing


async def test_segments_include_and_exclude_and_a_topical_campaign_needs_a_shared_topic() -> None:
    uow = FakeNewsletterUnitOfWork()
    north, south = uuid.uuid4(), uuid.uuid4()
    uow.audiences.segments = {
        north: {"all": [{"field": "region", "op": "eq", "value": "19"}]},
        south: {"all": [{"field": "region", "op": "eq", "value": "01"}]},
    }
    lapland = person(region="19", topics=["tekoaly"])
    lapland_off_topic = person(region="19", topics=["muu"])
    helsinki = person(region="01", topics=["tekoaly"])
    uow.audiences.people += [lapland, lapland_off_topic, helsinki]
    only_north = await draft(uow, included_segments=[north])
    assert (await service.audience_preview(uow, only_north))["count"] == 2
    not_south = await draft(uow, excluded_segments=[south])
    assert (await service.audience_preview(uow, not_south))["count"] == 2
    topical = await draft(uow, included_segments=[north], topical=True, topics=["tekoaly"])
    found = await service.audience_preview(uow, topical)
    assert [r["email"] for r in found["sample"]] == [lapland["email"]]
    # Sending takes exactly the previewed people.
    await service.send_now(uow, staff=STAFF, campaign_id=topical, settings=SETTINGS)
    assert [d.contact_id for d in uow.campaigns.of(topical)] == [lapland["contact_id"]]


async def test_the_sample_is_at_most_ten_people() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people += [person() for _ in range(12)]
    found = await service.audience_preview(uow, await draft(uow))
    assert (found["count"], len(found["sample"])) == (12, 10)


async def test_no_preview_of_a_campaign_that_does_not_exist() -> None:
    with pytest.raises(NotFound):
        await service.audience_preview(FakeNewsletterUnitOfWork(), uuid.uuid4())


async def test_creating_a_campaign_checks_its_rule_and_topics_before_storing_it() -> None:
    uow = FakeNewsletterUnitOfWork()
    args = {
        "staff": STAFF,
        "name": " Marraskuu ",
        "content": {"fi": {"subject": "Hei", "blocks": []}},
        "default_language": "fi",
        "topics": [],
        "topical": False,
        "tracking": False,
        "audience": {"all": []},
    }
    with pytest.raises(InvalidInput) as bad_rule:
        await service.create_campaign(uow, **args | {"audience": {"nope": 1}})
    assert (bad_rule.value.field or "").startswith("audience")
    with pytest.raises(InvalidInput) as no_topic:
        await service.create_campaign(uow, **args | {"topical": True})
    assert no_topic.value.field == "topics"
    assert uow.campaigns.rows == {}
    campaign_id = await service.create_campaign(uow, **args)
    stored = uow.campaigns.rows[campaign_id]
    assert (stored.name, stored.fallback_language, stored.status) == ("Marraskuu", "fi", "draft")
    assert uow.audit_actions() == ["campaign.created"]
