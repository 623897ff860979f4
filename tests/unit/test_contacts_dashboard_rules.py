"""The rules of the dashboard's use cases on the in-memory unit of work: stored network
figures are shown while fresh and of today, else counted and stored again; the campaigns shown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from contacts.dashboard import service
from contacts.dashboard.repository import OriginFigures

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

TODAY = datetime.now(UTC).date()


def figures(today: date, network: int) -> dict[str, object]:
    ends = service.month_ends(today, service.MONTHS)
    return {
        "months": [e.isoformat() for e in ends],
        "network": [network] * len(ends),
        "by_type": {"library": [network] * len(ends)},
        "by_region": {"01": [network] * len(ends)},
        "funnel": [9, 7, 5, 3],
    }


def origin(group: str, sent_days_ago: int | None) -> OriginFigures:
    at = None if sent_days_ago is None else datetime.now(UTC) - timedelta(days=sent_days_ago)
    return OriginFigures(group, group, at, sent=10, bounced=1, opened=5, clicked=2)


def test_month_ends_run_to_today_oldest_first() -> None:
    assert service.month_ends(date(2026, 3, 10), 3) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 10),
    ]


async def test_without_stored_figures_the_page_counts_and_keeps_them() -> None:
    uow = FakeContactsUnitOfWork()
    uow.dashboard.counted = {"network": [4] * service.MONTHS, "funnel": [9, 7, 5, 3]}
    shown = await service.dashboard(uow, today=TODAY)

    assert uow.dashboard.counts == [service.month_ends(TODAY, service.MONTHS)]
    assert shown.months[-1] == TODAY and len(shown.months) == service.MONTHS
    assert shown.network == [4] * service.MONTHS
    assert shown.funnel == list(zip(service.STAGES, [9, 7, 5, 3], strict=True))
    assert uow.dashboard.stored is not None and uow.dashboard.stored[0] == shown.computed_at
    assert uow.commits == 1

    again = await service.dashboard(uow, today=TODAY)  # fresh now: not counted again
    assert len(uow.dashboard.counts) == 1 and again.computed_at == shown.computed_at


async def test_fresh_stored_figures_are_shown_without_counting() -> None:
    uow = FakeContactsUnitOfWork()
    counted_at = datetime.now(UTC) - service.MAX_AGE + timedelta(minutes=1)
    uow.dashboard.stored = (counted_at, figures(TODAY, 12))
    shown = await service.dashboard(uow, today=TODAY)
    assert uow.dashboard.counts == [] and uow.commits == 0
    assert (shown.computed_at, shown.network[-1]) == (counted_at, 12)
    assert shown.by_type == {"library": [12] * service.MONTHS}
    assert shown.by_region == {"01": [12] * service.MONTHS}


@pytest.mark.parametrize(
    ("age", "day"),
    [(service.MAX_AGE + timedelta(seconds=1), 0), (timedelta(minutes=1), 1)],
    ids=["too-old", "of-yesterday"],
)
async def test_stale_or_yesterdays_figures_are_counted_again(age: timedelta, day: int) -> None:
    uow = FakeContactsUnitOfWork()
    uow.dashboard.stored = (datetime.now(UTC) - age, figures(TODAY - timedelta(days=day), 12))
    shown = await service.dashboard(uow, today=TODAY)
    assert len(uow.dashboard.counts) == 1
    assert shown.network == [0] * service.MONTHS and shown.months[-1] == TODAY


async def test_a_refresh_keeps_a_later_count_and_a_failed_one_keeps_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    later = datetime.now(UTC) + timedelta(minutes=1)
    uow.dashboard.stored = (later, figures(TODAY, 99))  # another worker counted meanwhile
    await service.refresh_network_figures(uow, today=TODAY)
    assert uow.dashboard.stored == (later, figures(TODAY, 99))

    async def broken(ends: list[date]) -> dict[str, object]:
        raise RuntimeError("the database went away")

    uow.dashboard.stored = None
    uow.dashboard.count_network = broken  # type: ignore[assignment]
    with pytest.raises(RuntimeError):
        await service.refresh_network_figures(uow, today=TODAY)
    assert uow.dashboard.stored is None and uow.commits == 1


async def test_the_last_campaigns_and_the_surveys_of_the_last_90_days_are_shown() -> None:
    uow = FakeContactsUnitOfWork()
    uow.dashboard.stored = (datetime.now(UTC), figures(TODAY, 1))
    uow.dashboard.origins = {
        "campaign": [origin(f"c{i}", i) for i in range(7)] + [origin("unsent", None)],
        "survey_invitation": [origin("recent", 10), origin("old", 91)],
    }
    shown = await service.dashboard(uow, today=TODAY)
    assert [c.group_id for c in shown.campaigns] == ["c0", "c1", "c2", "c3", "c4"]
    assert [s.group_id for s in shown.surveys] == ["recent"]
