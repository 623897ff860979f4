"""The newsletter's retention on the in-memory unit of work: cut-offs at midnight UTC, a dry
run that lists exactly what a real run removes and writes nothing, one audit per real run."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from newsletter.retention.service import apply_retention

from shared.events.audit import StaffActionV1
from shared.events.topics import STAFF_AUDIT
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork
from tests.unit.fakes.newsletter_retention import Kept

NOW = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)


def populated() -> FakeNewsletterUnitOfWork:
    uow = FakeNewsletterUnitOfWork()
    at = {
        "old_event": datetime(2025, 5, 1, tzinfo=UTC),
        "new_event": datetime(2026, 11, 1, tzinfo=UTC),
        "old_sent": datetime(2024, 1, 1, tzinfo=UTC),
        "old_pending": datetime(2024, 1, 1, tzinfo=UTC),
        "new_sent": datetime(2026, 1, 1, tzinfo=UTC),
    }
    ids = {name: uuid.UUID(int=n) for n, name in enumerate(at, 1)}
    uow.retention.events[ids["old_event"]] = Kept(at["old_event"])
    uow.retention.events[ids["new_event"]] = Kept(at["new_event"])
    uow.retention.deliveries[ids["old_sent"]] = Kept(at["old_sent"])
    uow.retention.deliveries[ids["old_pending"]] = Kept(at["old_pending"], "pending")
    uow.retention.deliveries[ids["new_sent"]] = Kept(at["new_sent"])
    return uow


async def test_the_cut_offs_are_midnight_utc_of_the_day_so_many_months_back() -> None:
    report = await apply_retention(
        FakeNewsletterUnitOfWork(), tracking_months=12, delivery_months=24, dry_run=True, now=NOW
    )
    assert report.tracking_cutoff == datetime(2025, 12, 3, tzinfo=UTC)
    assert report.delivery_cutoff == datetime(2024, 12, 3, tzinfo=UTC)


async def test_a_dry_run_lists_what_a_real_run_removes_and_writes_nothing() -> None:
    uow = populated()
    dry = await apply_retention(uow, tracking_months=12, delivery_months=24, dry_run=True, now=NOW)
    assert dry.dry_run and dry.counts() == {"tracking_events": 1, "deliveries": 1}
    assert len(uow.retention.events) == 2 and len(uow.retention.deliveries) == 3
    assert uow.published == [] and uow.commits == 0
    real = await apply_retention(
        uow, tracking_months=12, delivery_months=24, dry_run=False, now=NOW
    )
    assert (real.event_ids, real.delivery_ids) == (dry.event_ids, dry.delivery_ids)
    [event], [delivery] = dry.event_ids, dry.delivery_ids
    assert real.listed() == [f"tracking_event {event}", f"delivery {delivery}"]


async def test_a_real_run_counts_before_it_deletes_keeps_pending_mail_and_audits_once() -> None:
    uow = populated()
    report = await apply_retention(
        uow, tracking_months=12, delivery_months=24, dry_run=False, now=NOW
    )
    assert (uow.retention.counted_events, uow.retention.counted_deliveries) == (1, 1)
    assert len(uow.retention.events) == 1
    assert sorted(d.status for d in uow.retention.deliveries.values()) == ["pending", "sent"]
    assert uow.audit_actions() == ["retention.run"] and uow.commits == 1
    [(topic, _, event)] = uow.published
    entry = event.parse(StaffActionV1)
    assert topic == STAFF_AUDIT.name and entry.target_id == "newsletter"
    assert entry.details == {
        **report.counts(),
        "tracking_cutoff": "2025-12-03T00:00:00+00:00",
        "delivery_cutoff": "2024-12-03T00:00:00+00:00",
    }


async def test_a_second_real_run_finds_nothing_more_but_is_still_audited() -> None:
    uow = populated()
    await apply_retention(uow, tracking_months=12, delivery_months=24, dry_run=False, now=NOW)
    again = await apply_retention(
        uow, tracking_months=12, delivery_months=24, dry_run=False, now=NOW
    )
    assert again.counts() == {"tracking_events": 0, "deliveries": 0}
    assert uow.audit_actions() == ["retention.run", "retention.run"]
