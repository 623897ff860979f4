"""The impact chain's rules on a fixed data set, against figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from contacts.impact import domain, open_data
from contacts.impact.domain import CATALOGUE, Figure, indicator
from contacts.impact.repository import Stored
from contacts.impact.service import build_view

# Six municipalities: three in Uusimaa (01), two in Varsinais-Suomi (02), one in Pirkanmaa (06).
MUNICIPALITIES = {"091": "01", "049": "01", "092": "01", "853": "02", "202": "02", "837": "06"}
# Two libraries and an NGO; one partner in a municipality that no longer exists.
PARTNERS = [("091", "library"), ("091", "ngo"), ("853", "library"), ("999", "library")]


def test_coverage_counts_each_municipality_once_overall_per_region_and_per_type() -> None:
    cover = domain.coverage(PARTNERS, MUNICIPALITIES)
    assert (cover.whole.numerator, cover.whole.denominator) == (2, 6)  # 091 and 853
    assert cover.whole.value == pytest.approx(1 / 3)
    assert {r: (f.numerator, f.denominator) for r, f in cover.by_region.items()} == {
        "01": (1, 3),
        "02": (1, 2),
        "06": (0, 1),
    }
    assert {t: (f.numerator, f.denominator) for t, f in cover.by_type.items()} == {
        "library": (2, 6),
        "ngo": (1, 6),
    }


def test_a_region_or_type_lags_under_three_quarters_of_the_whole_share() -> None:
    cover = domain.coverage(PARTNERS, MUNICIPALITIES)
    # The line is 1/3 * 0.75 = 0.25: Pirkanmaa (0) lags, Uusimaa (1/3) does not; NGOs (1/6) lag.
    assert domain.lagging(cover.by_region, cover.whole) == ["06"]
    assert domain.lagging(cover.by_type, cover.whole) == ["ngo"]
    parts = {"a": Figure.share(1, 10), "b": Figure.share(0, 10), "c": Figure.share(1, 10)}
    assert domain.lagging(parts, Figure.share(1, 2)) == ["b", "a", "c"]  # lowest first


def test_the_year_is_a_sum_a_ratio_of_sums_or_the_last_month() -> None:
    sums = [Figure.count(2), None, Figure.count(3)]
    assert domain.year_figure(indicator("campaigns_sent"), sums) == Figure.count(5)
    # 8 of 10 and 1 of 10 make 9 of 20 (not the mean of 80 % and 10 %, which is the same here)
    ratio = domain.year_figure(indicator("open_rate"), [Figure.share(8, 10), Figure.share(1, 30)])
    assert ratio == Figure.share(9, 40)
    assert ratio is not None and ratio.value == pytest.approx(0.225)
    latest = [Figure.share(1, 3), Figure.share(2, 3), None]
    assert domain.year_figure(indicator("coverage"), latest) == Figure.share(2, 3)
    assert domain.year_figure(indicator("coverage"), [None, None]) is None


def test_progress_compares_the_figure_in_its_unit_with_the_target() -> None:
    assert domain.progress(indicator("open_rate"), Figure.share(9, 20), 60) == pytest.approx(0.75)
    assert domain.progress(indicator("campaigns_sent"), Figure.count(5), 20) == 0.25
    assert domain.progress(indicator("campaigns_sent"), Figure.count(5), None) is None
    assert domain.progress(indicator("campaigns_sent"), None, 20) is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 1, 1, 2, 2, 2], "rising"),
        ([4, 4, 4, 1, 1, 1], "falling"),
        ([10, 10, 10, 10.2, 10, 10], "steady"),
        ([5, 5], "steady"),
        ([0, 3], "rising"),
        ([None, 7], "unknown"),
        ([], "unknown"),
    ],
)
def test_the_trend_compares_the_last_months_with_those_before(
    values: list[float | None], expected: str
) -> None:
    assert domain.trend(values) == expected


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        ("open_rate", "60 %", 60.0),
        ("open_rate", "12,5", 12.5),
        ("campaigns_sent", "1 000", 1000.0),
        ("campaigns_sent", "0", 0.0),
    ],
)
def test_targets_are_read_as_staff_type_them(key: str, typed: str, expected: float) -> None:
    assert domain.parse_target(indicator(key), typed) == expected


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("open_rate", "101"),
        ("open_rate", "-1"),
        ("campaigns_sent", "12.5"),
        ("campaigns_sent", "2000000000"),
        ("campaigns_sent", "nan"),
        ("campaigns_sent", "inf"),
        ("campaigns_sent", "many"),
    ],
)
def test_impossible_targets_are_refused(key: str, typed: str) -> None:
    with pytest.raises(ValueError):
        domain.parse_target(indicator(key), typed)


def test_months_of_a_year_stop_at_today() -> None:
    today = date(2026, 3, 15)
    assert domain.months_of(2026, today) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert len(domain.months_of(2025, today)) == 12
    assert domain.months_of(2027, today) == []
    assert domain.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert domain.next_month(date(2025, 12, 1)) == date(2026, 1, 1)


def test_groups_under_five_are_suppressed() -> None:
    assert [domain.suppressed(n) for n in (None, 0, 4, 5, 12)] == [None, None, None, 5, 12]


def test_the_catalogue_has_every_stage_and_waits_for_the_coming_sources() -> None:
    assert len({i.key for i in CATALOGUE}) == len(CATALOGUE)
    assert {i.stage for i in CATALOGUE} == set(domain.STAGES)
    waiting = {i.source for i in CATALOGUE if not i.counted}
    assert waiting == set()


def test_the_view_takes_the_year_to_date_reach_and_the_latest_lagging_parts() -> None:
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    figures = [
        Stored("newsletter_reach", jan, "", Figure.count(10)),
        Stored("newsletter_reach", jan, "year_to_date", Figure.count(10)),
        Stored("newsletter_reach", feb, "", Figure.count(8)),
        Stored("newsletter_reach", feb, "year_to_date", Figure.count(15)),
        Stored("coverage", jan, "", Figure.share(1, 6)),
        Stored("coverage", jan, "region:02", Figure.share(0, 2)),
        Stored("coverage", feb, "", Figure.share(2, 6)),
        Stored("coverage", feb, "region:01", Figure.share(1, 3)),
        Stored("coverage", feb, "region:06", Figure.share(0, 1)),
        Stored("coverage", feb, "type:ngo", Figure.share(1, 6)),
    ]
    view = build_view(2026, [jan, feb], figures, {"newsletter_reach": 30}, None)
    rows = {row.indicator.key: row for row in view.rows()}
    reach = rows["newsletter_reach"]
    assert reach.year == Figure.count(15)  # people reached in the year, each once: not 18
    assert reach.progress == 0.5
    assert reach.months == [Figure.count(10), Figure.count(8)]
    coverage = rows["coverage"]
    assert coverage.year == Figure.share(2, 6)
    # February's parts only (January's Varsinais-Suomi is history); line 1/3 * 0.75 = 0.25
    assert [(lag.kind, lag.code) for lag in coverage.lagging] == [("region", "06"), ("type", "ngo")]
    change = rows["self_assessment_change"]  # counted, but no figure this year: none shown
    assert change.year is None and change.months == [None, None] and change.progress is None


def test_the_open_data_files_have_the_columns_their_descriptor_names() -> None:
    package = open_data.descriptor()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in package["resources"]:
        name = resource["name"].removesuffix("-json")
        header = open_data.as_csv(name, []).decode().strip()
        assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]]
