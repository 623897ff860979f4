"""Campaign use cases on the in-memory unit of work: schedule, send, pause, resume, cancel,
unschedule, duplicate, the scheduler tick; every refused move changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from newsletter.campaigns import service
from newsletter.campaigns.domain import Campaign
from newsletter.composer import service as composer
from newsletter.errors import Conflict, InvalidInput, NotFound
from newsletter.settings import NewsletterSettings

from shared.web.staff import Staff
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

STAFF = Staff(id="e1", role="editor")
SETTINGS = NewsletterSettings(environment="development", link_check="syntax")
CONTENT = {
    "fi": {"subject": "Hei {{ first_name }}", "blocks": [{"type": "text", "text": "Moi"}]},
    "sv": {"subject": "Hej", "blocks": [{"type": "text", "text": "Tja"}]},
}


def person(**values: Any) -> dict[str, Any]:
    return {
        "contact_id": uuid.uuid4(),
        "email": f"{uuid.uuid4().hex[:8]}@example.fi",
        "first_name": "Aino",
        "last_name": "Virtanen",
        "language": "fi",
        "region": "01",
        "topics": [],
        "erased": False,
        "newsletter_consent": True,
        "subscription_state": "subscribed",
        "confirmed_at": datetime(2026, 1, 1, tzinfo=UTC),
        "email_status": "ok",
    } | values


async def draft(uow: FakeNewsletterUnitOfWork, **values: Any) -> uuid.UUID:
    campaign = Campaign(
        id=uuid.uuid4(),
        name="Marraskuu",
        content=CONTENT,
        default_language="fi",
        fallback_language="fi",
    )
    for name, value in values.items():
        setattr(campaign, name, value)
    await uow.campaigns.add(campaign)
    return campaign.id


async def sending(uow: FakeNewsletterUnitOfWork, people: int = 3) -> uuid.UUID:
    uow.audiences.people += [person() for _ in range(people)]
    campaign_id = await draft(uow)
    await service.send_now(uow, staff=STAFF, campaign_id=campaign_id, settings=SETTINGS)
    return campaign_id


def statuses(uow: FakeNewsletterUnitOfWork, campaign_id: uuid.UUID) -> list[str]:
    return sorted(d.status for d in uow.campaigns.of(campaign_id))


async def test_scheduling_a_draft_stores_the_helsinki_time_in_utc_and_audits_it() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await draft(uow)
    at = await service.schedule(
        uow, staff=STAFF, campaign_id=campaign_id, local_time="2099-06-01T09:00", settings=SETTINGS
    )
    assert at == datetime(2099, 6, 1, 6, 0, tzinfo=UTC)  # summer time: UTC+3
    stored = uow.campaigns.rows[campaign_id]
    assert (stored.status, stored.scheduled_at) == ("scheduled", at)
    assert uow.audit_actions() == ["campaign.scheduled"]
    assert uow.campaigns.locked == [campaign_id]


async def test_a_send_time_in_the_past_is_refused_and_nothing_changes() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await draft(uow)
    with pytest.raises(InvalidInput) as refused:
        await service.schedule(
            uow,
            staff=STAFF,
            campaign_id=campaign_id,
            local_time="2020-01-01T09:00",
            settings=SETTINGS,
        )
    assert refused.value.field == "send_at"
    assert uow.campaigns.rows[campaign_id].status == "draft"
    assert (uow.commits, uow.published) == (0, [])


async def test_scheduling_is_refused_while_recipients_read_a_language_without_content() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people.append(person(language="en"))
    campaign_id = await draft(uow, fallback_language=None)
    with pytest.raises(service.SendRefused) as refused:
        await service.schedule(
            uow,
            staff=STAFF,
            campaign_id=campaign_id,
            local_time="2099-06-01T09:00",
            settings=SETTINGS,
        )
    assert [r.field for r in refused.value.refusals] == ["content.en"]
    assert uow.campaigns.rows[campaign_id].status == "draft"
    assert uow.commits == 0


async def test_sending_now_gives_each_recipient_one_delivery_in_their_language() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people += [person(language="sv"), person(language="en"), person()]
    campaign_id = await draft(uow)
    count = await service.send_now(uow, staff=STAFF, campaign_id=campaign_id, settings=SETTINGS)
    assert count == 3
    assert sorted(d.language for d in uow.campaigns.of(campaign_id)) == ["fi", "fi", "sv"]
    stored = uow.campaigns.rows[campaign_id]
    assert (stored.status, stored.recipients) == ("sending", 3)
    assert stored.send_started_at is not None
    assert uow.deliveries.wakes == 1
    with pytest.raises(Conflict):  # never twice
        await service.send_now(uow, staff=STAFF, campaign_id=campaign_id, settings=SETTINGS)
    assert len(uow.campaigns.of(campaign_id)) == 3


async def test_pause_parks_the_unsent_deliveries_and_resume_brings_them_back() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await sending(uow)
    uow.campaigns.of(campaign_id)[0].status = "sent"
    moved = await service.change(uow, staff=STAFF, campaign_id=campaign_id, action="pause")
    assert moved == 2
    assert uow.campaigns.rows[campaign_id].status == "paused"
    assert statuses(uow, campaign_id) == ["paused", "paused", "sent"]
    wakes = uow.deliveries.wakes
    moved = await service.change(uow, staff=STAFF, campaign_id=campaign_id, action="resume")
    assert moved == 2
    assert uow.campaigns.rows[campaign_id].status == "sending"
    assert statuses(uow, campaign_id) == ["pending", "pending", "sent"]
    assert uow.deliveries.wakes == wakes + 1  # idle workers hear of the rows at once
    assert uow.audit_actions()[-2:] == ["campaign.pause", "campaign.resume"]


async def test_cancel_counts_what_will_never_go_and_finishes_the_campaign() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await sending(uow, people=4)
    uow.campaigns.of(campaign_id)[0].status = "sent"
    await service.change(uow, staff=STAFF, campaign_id=campaign_id, action="pause")
    moved = await service.change(uow, staff=STAFF, campaign_id=campaign_id, action="cancel")
    stored = uow.campaigns.rows[campaign_id]
    assert (moved, stored.status, stored.cancelled_count) == (3, "cancelled", 3)
    assert stored.finished_at is not None
    assert statuses(uow, campaign_id) == ["cancelled", "cancelled", "cancelled", "sent"]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "pause"),
        ("draft", "resume"),
        ("draft", "cancel"),
        ("draft", "unschedule"),
        ("sending", "resume"),
        ("sending", "unschedule"),
        ("paused", "pause"),
        ("sent", "cancel"),
        ("cancelled", "resume"),
    ],
)
async def test_a_move_the_life_cycle_does_not_allow_is_a_conflict_and_moves_nothing(
    status: str, action: str
) -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await sending(uow, people=2)
    uow.campaigns.rows[campaign_id].status = status
    before = statuses(uow, campaign_id)
    with pytest.raises(Conflict):
        await service.change(uow, staff=STAFF, campaign_id=campaign_id, action=action)
    assert uow.campaigns.rows[campaign_id].status == status
    assert statuses(uow, campaign_id) == before
    assert uow.audit_actions() == ["campaign.sent"]


async def test_unscheduling_returns_a_scheduled_campaign_to_draft_without_a_time() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await draft(uow)
    await service.schedule(
        uow, staff=STAFF, campaign_id=campaign_id, local_time="2099-06-01T09:00", settings=SETTINGS
    )
    await service.change(uow, staff=STAFF, campaign_id=campaign_id, action="unschedule")
    stored = uow.campaigns.rows[campaign_id]
    assert (stored.status, stored.scheduled_at) == ("draft", None)


async def test_duplicate_is_a_new_draft_with_the_same_content_and_audience() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await sending(uow)
    segment = uuid.uuid4()
    uow.campaigns.rows[campaign_id].included_segments = [segment]
    copy_id = await service.duplicate(uow, staff=STAFF, campaign_id=campaign_id)
    original, copy = uow.campaigns.rows[campaign_id], uow.campaigns.rows[copy_id]
    assert copy_id != campaign_id
    assert (copy.name, copy.status, copy.recipients) == ("Marraskuu (copy)", "draft", None)
    assert (copy.content, copy.included_segments) == (original.content, [segment])
    assert copy.send_started_at is None and copy.scheduled_at is None
    copy.included_segments.append(uuid.uuid4())
    assert original.included_segments == [segment]  # nothing shared with the original
    assert uow.audit_actions()[-1] == "campaign.duplicated"


@pytest.mark.parametrize(
    ("language", "name"), [("fi", "Marraskuu (kopio)"), ("sv", "Marraskuu (kopia)")]
)
async def test_a_duplicate_is_named_in_the_staff_language(language: str, name: str) -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await draft(uow)
    copy_id = await service.duplicate(uow, staff=STAFF, campaign_id=campaign_id, language=language)
    assert uow.campaigns.rows[copy_id].name == name


async def test_the_archive_choice_can_change_after_sending_and_is_audited() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await sending(uow)
    assert uow.campaigns.rows[campaign_id].in_archive is True  # newsletters are, by default
    await service.show_in_archive(uow, staff=STAFF, campaign_id=campaign_id, shown=False)
    assert uow.campaigns.rows[campaign_id].in_archive is False
    await service.show_in_archive(uow, staff=STAFF, campaign_id=campaign_id, shown=True)
    assert uow.campaigns.rows[campaign_id].in_archive is True
    assert uow.audit_actions()[-2:] == ["campaign.archive_hidden", "campaign.archive_shown"]


def test_a_test_sends_frozen_copy_is_never_in_the_archive() -> None:
    original = Campaign(id=uuid.uuid4(), name="X", content=CONTENT, default_language="fi")
    copy = original.test_copy(uuid.uuid4(), CONTENT)
    assert copy.in_archive is False
    with pytest.raises(Conflict):
        copy.show_in_archive(True)


async def test_the_scheduler_starts_due_campaigns_and_closes_finished_ones() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.audiences.people += [person(), person()]
    due = await draft(uow, status="scheduled", scheduled_at=datetime.now(UTC) - timedelta(1))
    later = await draft(uow, status="scheduled", scheduled_at=datetime.now(UTC) + timedelta(1))
    assert await service.start_due(uow) == (1, 0)
    assert (uow.campaigns.rows[due].status, uow.campaigns.rows[later].status) == (
        "sending",
        "scheduled",
    )
    for delivery in uow.campaigns.of(due):
        delivery.status = "sent"
    assert await service.start_due(uow) == (0, 1)
    assert uow.campaigns.rows[due].status == "sent"


async def test_a_test_sends_frozen_copy_is_never_a_campaign_of_its_own() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await draft(uow)
    sent = await composer.send_test(
        uow,
        staff=STAFF,
        campaign_id=campaign_id,
        addresses=["a@example.fi", "A@example.fi ", "b@example.fi"],
        language="sv",
        settings=SETTINGS,
    )
    assert sent == 3  # addresses differing in case are separate mails
    [copy] = [c for c in uow.campaigns.rows.values() if c.test_of == campaign_id]
    assert copy.status == "test"
    assert {r["campaign_id"] for r in uow.deliveries.requested.values()} == {copy.id}
    assert {r["priority"] for r in uow.deliveries.requested.values()} == {0}
    with pytest.raises(NotFound):
        await service.get_campaign(uow, copy.id)
    with pytest.raises(Conflict):  # a test copy cannot be sent to an audience either
        copy.start(1, datetime.now(UTC))


async def test_only_a_draft_can_be_edited() -> None:
    uow = FakeNewsletterUnitOfWork()
    campaign_id = await sending(uow)
    draft_in = composer.Draft(
        name="Uusi",
        content=CONTENT,
        fallback_language="fi",
        topics=[],
        topical=False,
        tracking=False,
        included_segments=[],
        excluded_segments=[],
    )
    with pytest.raises(Conflict):
        await composer.update_draft(uow, staff=STAFF, campaign_id=campaign_id, draft=draft_in)
    assert uow.campaigns.rows[campaign_id].name == "Marraskuu"
    fresh = await draft(uow)
    version = uow.campaigns.rows[fresh].version
    await composer.update_draft(uow, staff=STAFF, campaign_id=fresh, draft=draft_in)
    assert (uow.campaigns.rows[fresh].name, uow.campaigns.rows[fresh].version) == (
        "Uusi",
        version + 1,
    )
