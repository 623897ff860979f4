"""A campaign's progress and statistics on the in-memory unit of work: counts by delivery
status, the rate and ETA, opens and clicks, bounces; an unknown campaign is not found."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from newsletter.campaigns.domain import Campaign
from newsletter.errors import NotFound
from newsletter.statistics import service

from tests.unit.fakes.newsletter import FakeDelivery, FakeNewsletterUnitOfWork

CAMPAIGN = uuid.UUID("00000000-0000-0000-0000-0000000000c1")
STARTED = datetime(2026, 3, 2, 8, tzinfo=UTC)


def with_campaign(statuses: dict[str, int], **values: object) -> FakeNewsletterUnitOfWork:
    uow = FakeNewsletterUnitOfWork()
    uow.campaigns.rows[CAMPAIGN] = Campaign(
        id=CAMPAIGN,
        name="Digitaitoviikko",
        content={},
        default_language="fi",
        status="sending",
        **values,  # type: ignore[arg-type]
    )
    n = 0
    for status, count in statuses.items():
        for _ in range(count):
            n += 1
            uow.campaigns.deliveries[uuid.UUID(int=n)] = FakeDelivery(
                CAMPAIGN, uuid.UUID(int=1000 + n), "fi", status
            )
    return uow


async def test_progress_counts_by_status_and_estimates_from_the_last_minute() -> None:
    uow = with_campaign({"sent": 50, "bounced": 2, "failed": 1, "pending": 120, "suppressed": 3})
    uow.statistics.recent[CAMPAIGN] = 60
    p = await service.campaign_progress(uow, CAMPAIGN)
    assert (p.total, p.sent, p.failed, p.remaining, p.other) == (176, 50, 3, 120, 3)
    assert (p.rate_per_min, p.eta_s, p.done) == (60, 120, False)
    assert uow.statistics.snapshots == 1  # the counts and the rate are read in one snapshot


async def test_progress_without_recent_outcomes_has_no_eta_and_when_done_says_so() -> None:
    waiting = with_campaign({"pending": 5})
    assert (await service.campaign_progress(waiting, CAMPAIGN)).eta_s is None
    done = with_campaign({"sent": 4, "bounced": 1})
    p = await service.campaign_progress(done, CAMPAIGN)
    assert (p.done, p.percent, p.eta_s) == (True, 100, None)


async def test_statistics_add_bounces_and_failures_and_default_missing_figures() -> None:
    uow = with_campaign({"sent": 8, "bounced": 1, "failed": 2}, tracking=True, recipients=11)
    uow.statistics.totals_of[CAMPAIGN] = {"open": {"total": 9, "unique": 5}}
    uow.statistics.unsubscribed[CAMPAIGN] = 1
    stats = await service.campaign_stats(uow, CAMPAIGN)
    assert (stats["recipients"], stats["sent"], stats["bounces"]) == (11, 8, 3)
    assert stats["opens"] == {"total": 9, "unique": 5}
    assert stats["clicks"] == {"total": 0, "unique": 0}
    assert (stats["unsubscribes"], stats["tracking"]) == (1, True)
    assert stats["hourly"] == [] and uow.statistics.hours_from == []  # never sent: no series


async def test_the_hourly_series_starts_when_sending_started() -> None:
    uow = with_campaign({"sent": 1}, send_started_at=STARTED)
    uow.statistics.hours[CAMPAIGN] = [{"hour": 0, "opens": 1, "clicks": 0}]
    stats = await service.campaign_stats(uow, CAMPAIGN)
    assert stats["hourly"] == [{"hour": 0, "opens": 1, "clicks": 0}]
    assert uow.statistics.hours_from == [STARTED]
    assert await service.campaign_name(uow, CAMPAIGN) == "Digitaitoviikko"


async def test_a_campaign_never_written_is_not_found() -> None:
    uow = FakeNewsletterUnitOfWork()
    other = uuid.UUID("00000000-0000-0000-0000-0000000000ff")
    with pytest.raises(NotFound):
        await service.campaign_progress(uow, other)
    with pytest.raises(NotFound):
        await service.campaign_stats(uow, other)
    with pytest.raises(NotFound):
        await service.campaign_name(uow, other)
    assert uow.published == [] and uow.commits == 0


def test_the_csv_lists_summary_links_and_hours() -> None:
    stats = {
        "recipients": 3, "sent": 3, "opens": {"total": 2, "unique": 1},
        "clicks": {"total": 1, "unique": 1}, "unsubscribes": 0, "bounces": 0,
        "links": [{"url": "https://example.fi", "total": 1, "unique": 1}],
        "hourly": [{"hour": 0, "opens": 2, "clicks": 1}],
    }  # fmt: skip
    rows = service.stats_csv_rows(stats)
    assert rows[0] == ["section", "label", "total", "unique"]
    assert ["link", "https://example.fi", 1, 1] in rows
    assert ["hour_opens", 0, 2, ""] in rows and ["hour_clicks", 0, 1, ""] in rows
