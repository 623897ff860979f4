"""The rules of the impact use cases on the in-memory unit of work: counting a month from its
sources, storing it in place of the earlier figures, the worker's months, the year's view,
audited targets, and the open datasets (only ended months, small groups left empty, every
row shaped by the one description of its dataset)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput
from contacts.impact import open_data, open_schemas
from contacts.impact import service as impact
from contacts.impact.domain import NETWORK_SIZE, WHOLE, YEAR_TO_DATE, Figure
from contacts.impact.repository import MailTotals, Partner
from contacts.participation.domain import MonthFigures

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
TODAY = date(2026, 3, 20)
STAFF = Actor(id="staff-1", role="editor")
# Three municipalities: two in region 01, one in 02.
MUNICIPALITIES = {"091": "01", "049": "01", "853": "02"}


def partner(municipality: str, org_type: str, *, engaged: bool, region: str = "") -> Partner:
    return Partner(uuid.uuid4(), municipality, region, org_type, engaged)


def february() -> dict[str, object]:
    return {
        "origins_started:campaign": 2,
        "origins_started:survey_invitation": 1,
        "visits_done": 3,
        "reach": (40, 90),
        "campaign_totals": MailTotals(sent=100, bounced=20, opened=40, clicked=8),
        "responses_submitted": 6,
        "survey_invitations_and_responses": (30, 6),
        "memberships_started": 4,
        "event_counts": MonthFigures(events_held=2, registrations=25, attended=15, seated=20),
        "partners": [
            partner("091", "library", engaged=True),
            partner("853", "library", engaged=False),
            partner("853", "association", engaged=True, region="02"),
            partner("999", "library", engaged=False),  # a merged municipality: no coverage
        ],
        "network_cells": {("01", "library"): 7, ("02", "association"): 3},
    }


async def test_a_month_is_counted_from_its_sources() -> None:
    uow = FakeContactsUnitOfWork()
    uow.impact.sources[FEB] = february()
    async with uow:
        got = await impact.count_month(uow, FEB, MUNICIPALITIES)

    assert got["campaigns_sent", WHOLE] == Figure.count(2)
    assert got["newsletter_reach", YEAR_TO_DATE] == Figure.count(90)
    assert got["delivery_rate", WHOLE] == Figure.share(80, 100)
    assert got["open_rate", WHOLE] == Figure.share(40, 80)  # of the delivered mail
    assert got["click_rate", WHOLE] == Figure.share(8, 80)
    assert got["response_rate", WHOLE] == Figure.share(6, 30)
    assert got["attendance_rate", WHOLE] == Figure.share(15, 20)
    assert got["coverage", WHOLE] == Figure.share(2, 3)
    assert got["coverage", "region:01"] == Figure.share(1, 2)
    assert got["coverage", "region:02"] == Figure.share(1, 1)
    assert got["coverage", "type:library"] == Figure.share(2, 3)
    assert got["active_partners", WHOLE] == Figure.share(2, 4)
    # a partner's region: its own, else its municipality's; none for an unknown one
    assert got["active_partners", "region:01"] == Figure.share(1, 1)
    assert got["active_partners", "region:02"] == Figure.share(1, 2)
    assert got["active_partners", "type:library"] == Figure.share(1, 3)
    assert got[NETWORK_SIZE, WHOLE] == Figure.count(10)
    assert got[NETWORK_SIZE, "cell:01|library"] == Figure.count(7)


async def test_a_recount_replaces_the_months_figures_and_commits_them() -> None:
    uow = FakeContactsUnitOfWork()
    uow.impact.sources[FEB] = february()
    first = await impact.recompute_month(uow, date(2026, 2, 14), today=TODAY)
    assert ("visits_made", WHOLE) in first and uow.commits == 1
    uow.impact.sources[FEB] = {**february(), "visits_done": 5, "partners": []}
    await impact.recompute_month(uow, FEB, today=TODAY)

    stored = {
        (s.indicator, s.part): s.figure for s in await uow.impact.stored(since=FEB, until=FEB)
    }
    assert stored["visits_made", WHOLE] == Figure.count(5)
    assert ("active_partners", "type:library") not in stored  # the earlier parts are gone
    assert all(month == FEB for (_i, month, _p) in uow.impact.figures)


async def test_the_reach_of_a_year_no_longer_held_is_not_counted_again() -> None:
    uow = FakeContactsUnitOfWork()
    old = date(2024, 2, 1)
    uow.impact.sources[old] = {"reach": (50, 60), "visits_done": 1}
    await impact.recompute_month(uow, old, today=date(2024, 3, 1))
    uow.impact.sources[old] = {"reach": (0, 0), "visits_done": 2}  # reach rows forgotten since
    again = await impact.recompute_month(uow, old, today=TODAY)

    assert ("newsletter_reach", WHOLE) not in again
    stored = {
        (s.indicator, s.part): s.figure for s in await uow.impact.stored(since=old, until=old)
    }
    assert stored["newsletter_reach", WHOLE] == Figure.count(50)  # as counted then
    assert stored["visits_made", WHOLE] == Figure.count(2)


async def test_a_failing_count_keeps_the_earlier_figures() -> None:
    uow = FakeContactsUnitOfWork()
    uow.impact.sources[FEB] = february()
    await impact.recompute_month(uow, FEB, today=TODAY)
    before = dict(uow.impact.figures)
    uow.impact.sources[FEB] = {**february(), "campaign_totals": None}  # a source fails
    with pytest.raises(AttributeError):
        await impact.recompute_month(uow, FEB, today=TODAY)
    assert uow.impact.figures == before and uow.commits == 1


async def test_the_worker_counts_two_months_fills_the_gaps_and_forgets_old_reach() -> None:
    uow = FakeContactsUnitOfWork()
    uow.impact.earliest = date(2025, 10, 1)
    uow.impact.reach_months = {date(2025, 2, 1), date(2025, 3, 1), JAN}
    await impact.recompute_month(uow, date(2025, 12, 1), today=TODAY)  # held already

    counted = await impact.refresh(uow, today=TODAY)
    assert counted == [date(2025, 10, 1), date(2025, 11, 1), JAN, FEB, MAR]
    assert uow.impact.reach_months == {date(2025, 3, 1), JAN}  # 12 months before March kept


async def test_the_view_counts_the_current_month_first_and_shows_targets() -> None:
    uow = FakeContactsUnitOfWork()
    uow.impact.now = datetime(2026, 3, 20, 8, tzinfo=UTC)
    uow.impact.sources[MAR] = {"visits_done": 3}
    uow.impact.sources[FEB] = {"visits_done": 2}
    await impact.recompute_month(uow, FEB, today=TODAY)
    await impact.set_target(uow, actor=STAFF, indicator="visits_made", year=2026, target="10")

    view = await impact.impact_view(uow, year=2026, today=TODAY)
    assert view.months == [JAN, FEB, MAR] and view.computed_at == uow.impact.now
    [visits] = [row for row in view.rows() if row.indicator.key == "visits_made"]
    assert visits.months == [None, Figure.count(2), Figure.count(3)]
    assert visits.year == Figure.count(5)
    assert (visits.target, visits.progress) == (10.0, 0.5)

    before = len(uow.impact.figures)
    await impact.impact_view(uow, year=2025, today=TODAY)  # another year: nothing counted
    assert len(uow.impact.figures) == before


async def test_a_target_is_set_audited_with_the_one_it_replaced() -> None:
    uow = FakeContactsUnitOfWork()
    assert await impact.set_target(
        uow, actor=STAFF, indicator="open_rate", year=2026, target="40"
    ) == pytest.approx(40)
    await impact.set_target(uow, actor=STAFF, indicator="open_rate", year=2026, target="45,5")
    rows = await impact.targets(uow, year=2026)
    assert rows["open_rate"].target == pytest.approx(45.5)
    assert rows["open_rate"].set_by == STAFF.id
    details = [(e.action, e.target_id, e.details["before"]) for e in uow.audit.entries]
    assert details == [
        ("impact.target_set", "open_rate/2026", None),
        ("impact.target_set", "open_rate/2026", pytest.approx(40)),
    ]


@pytest.mark.parametrize(
    ("indicator", "year", "target"),
    [("no_such", 2026, "1"), ("open_rate", 2019, "1"), ("open_rate", 2026, "101")],
    ids=["unknown-indicator", "year-out-of-range", "percent-over-100"],
)
async def test_a_bad_target_is_refused_and_nothing_is_written(
    indicator: str, year: int, target: str
) -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(InvalidInput):
        await impact.set_target(uow, actor=STAFF, indicator=indicator, year=year, target=target)
    assert uow.impact.targets == {} and uow.audit.entries == [] and uow.commits == 0


# -- open data


def gettext() -> dict[str, open_data.Gettext]:
    return {"fi": lambda s: f"fi:{s}", "sv": lambda s: f"sv:{s}"}


async def stored_cells(uow: FakeContactsUnitOfWork, month: date, cells: dict[str, int]) -> None:
    figures = {(NETWORK_SIZE, part): Figure.count(n) for part, n in cells.items()}
    figures[NETWORK_SIZE, WHOLE] = Figure.count(sum(cells.values()))
    async with uow:
        await uow.impact.store_month(month, figures, indicators=[NETWORK_SIZE])
        await uow.commit()


async def test_network_size_publishes_ended_months_and_hides_small_groups() -> None:
    uow = FakeContactsUnitOfWork()
    await stored_cells(uow, FEB, {"cell:01|library": 7, "cell:02|library": 2, "cell:|library": 9})
    await stored_cells(uow, MAR, {"cell:01|library": 8})  # this month has not ended
    rows = await open_data.network_size(uow, gettext=gettext(), today=TODAY)

    assert [(r["month"], r["region"], r["members"]) for r in rows] == [
        ("2026-02", "01", 7),
        ("2026-02", "02", None),  # fewer than SMALLEST_GROUP: left empty
    ]
    assert list(rows[0]) == open_schemas.NETWORK_SIZE.columns
    assert rows[0]["organisation_type_name_fi"].startswith("fi:")
    assert rows[0]["region_name_fi"]  # a name, not a code


async def test_newsletter_reach_blanks_the_rates_of_a_small_month() -> None:
    uow = FakeContactsUnitOfWork()
    for month, reached in ((JAN, 3), (FEB, 40)):
        uow.impact.sources[month] = {
            "reach": (reached, reached),
            "origins_started:campaign": 1,
            "campaign_totals": MailTotals(sent=50, bounced=5, opened=9, clicked=1),
        }
        await impact.recompute_month(uow, month, today=TODAY)
    rows = await open_data.newsletter_reach(uow, today=TODAY)
    assert rows == [
        {
            "month": "2026-01",
            "campaigns": 1,
            "recipients": None,
            "delivery_rate": None,
            "open_rate": None,
            "click_rate": None,
        },
        {
            "month": "2026-02",
            "campaigns": 1,
            "recipients": 40,
            "delivery_rate": 90.0,
            "open_rate": 20.0,
            "click_rate": 2.2,
        },
    ]


async def test_self_assessment_rows_carry_the_areas_names_in_three_languages() -> None:
    uow = FakeContactsUnitOfWork()
    uow.segments.areas = {"fi": {"safety": "Turvallisuus"}, "sv": {"safety": "Säkerhet"}}
    score = Figure(0.625, 5 * 62 + 2, 5 * 100)  # five results averaging 62.5 %
    async with uow:
        await uow.impact.store_month(
            FEB,
            {("self_assessment_score", "cell:01|safety"): score},
            indicators=["self_assessment_score"],
        )
        await uow.commit()
    [row] = await open_data.self_assessment(uow, today=TODAY)
    assert (row["area"], row["results"], row["average_score"]) == ("safety", 5, 62.5)
    assert (row["area_name_fi"], row["area_name_sv"]) == ("Turvallisuus", "Säkerhet")
    assert row["area_name_en"] == "Turvallisuus"  # no English name: the Finnish one
    assert list(row) == open_schemas.SELF_ASSESSMENT.columns


def test_one_description_gives_the_schema_the_csv_columns_and_the_rows() -> None:
    for dataset in open_schemas.DATASETS.values():
        schema = open_data.descriptor()["resources"][0]["schema"]
        if dataset.name == "network-size":
            assert schema == dataset.schema()
        names = [f["name"] for f in dataset.schema()["fields"]]
        assert names == dataset.columns
        assert set(dataset.key) <= set(names)
        empty = dataset.row(**dict.fromkeys(names))
        header = next(csv.reader(io.StringIO(open_data.as_csv(dataset.name, [empty]).decode())))
        assert header == names
        assert list(json.loads(open_data.as_json([empty]))[0]) == names
    with pytest.raises(ValueError, match="network-size"):
        open_schemas.NETWORK_SIZE.row(month="2026-02")


def test_the_shared_fields_read_the_same_in_every_dataset() -> None:
    month = [d.schema()["fields"][0] for d in open_schemas.DATASETS.values()]
    assert month == [month[0]] * 3 and month[0]["type"] == "yearmonth"
    region = open_schemas.SELF_ASSESSMENT.schema()["fields"][1]
    assert region == open_schemas.NETWORK_SIZE.schema()["fields"][1]
    assert region["constraints"] == {"required": True}
    members = open_schemas.NETWORK_SIZE.schema()["fields"][-1]
    assert members["constraints"] == {"minimum": 5} and members["description"].endswith(
        "empty when fewer than 5."
    )
