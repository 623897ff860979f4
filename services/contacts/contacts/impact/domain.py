"""The impact chain (panos → tuotos → vaikutus → vaikuttavuus) in plain Python.

The catalogue names every indicator once: its stage, its unit, how twelve monthly figures
make the year's figure, and the source it is counted from. An indicator whose source does not
exist yet (the self-assessment change) is listed as "not yet counted" and
gets its figures when its counter is written: one catalogue entry and one counter each.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

Stage = Literal["input", "output", "effect", "impact"]
Unit = Literal["count", "percent"]
# How the months make the year: a sum of counts; numerators over denominators; the last
# month's level (a state at the month's end); the last month's year-to-date figure.
Aggregate = Literal["sum", "ratio", "latest", "year_to_date"]

STAGES: tuple[Stage, ...] = ("input", "output", "effect", "impact")
STAGE_LABELS: dict[Stage, str] = {
    "input": "Input",
    "output": "Output",
    "effect": "Effect",
    "impact": "Impact",
}
# A region or type lags when its share is under this part of the whole network's share.
LAG_FACTOR = 0.75
WHOLE = ""  # the part of a figure that is the whole network
YEAR_TO_DATE = "year_to_date"
SMALLEST_GROUP = 5  # open data publishes no group smaller than this


@dataclass(frozen=True)
class Indicator:
    key: str
    stage: Stage
    label: str  # English source string, translated on the page
    description: str
    unit: Unit
    aggregate: Aggregate
    source: str  # where it is counted from (a topic or a table), for the documentation
    counted: bool = True  # False: the source does not exist yet; listed, never computed
    parts: tuple[str, ...] = ()  # breakdowns kept beside the whole: "region", "type"


CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        "campaigns_sent",
        "input",
        "Campaigns sent",
        "Newsletter campaigns whose first mail went out in the month.",
        "count",
        "sum",
        "mail.events.v1",
    ),
    Indicator(
        "surveys_run",
        "input",
        "Surveys run",
        "Survey campaigns whose first invitation went out in the month.",
        "count",
        "sum",
        "mail.events.v1",
    ),
    Indicator(
        "visits_made",
        "input",
        "Visits made",
        "Visit requests marked done in the month.",
        "count",
        "sum",
        "visit_requests",
    ),
    Indicator(
        "events_held",
        "input",
        "Events held",
        "Published events, not cancelled, that ended in the month.",
        "count",
        "sum",
        "events.event.v1",
    ),
    Indicator(
        "newsletter_reach",
        "output",
        "Newsletter reach",
        "People sent at least one campaign in the month; the year counts each person once.",
        "count",
        "year_to_date",
        "mail.events.v1",
    ),
    Indicator(
        "delivery_rate",
        "output",
        "Delivery rate",
        "Campaign mail sent in the month that did not bounce.",
        "percent",
        "ratio",
        "mail.events.v1",
    ),
    Indicator(
        "survey_responses",
        "output",
        "Survey responses",
        "Survey responses submitted in the month.",
        "count",
        "sum",
        "surveys.responses.v1",
    ),
    Indicator(
        "registrations",
        "output",
        "Event registrations",
        "Registrations (a seat or a waiting-list place) made in the month.",
        "count",
        "sum",
        "events.registration.v1",
    ),
    Indicator(
        "open_rate",
        "effect",
        "Open rate",
        "Delivered mail of the month's campaigns that was opened.",
        "percent",
        "ratio",
        "mail.events.v1",
    ),
    Indicator(
        "click_rate",
        "effect",
        "Click rate",
        "Delivered mail of the month's campaigns in which a link was followed.",
        "percent",
        "ratio",
        "mail.events.v1",
    ),
    Indicator(
        "response_rate",
        "effect",
        "Response rate",
        "Responses to the month's survey campaigns per invitation sent.",
        "percent",
        "ratio",
        "surveys.responses.v1",
    ),
    Indicator(
        "attendance_rate",
        "effect",
        "Attendance rate",
        "Registrations holding a seat (not cancelled) at the events that ended in the month "
        "that were marked attended.",
        "percent",
        "ratio",
        "events.registration.v1",
    ),
    Indicator(
        "self_assessment_score",
        "effect",
        "Self-assessment score",
        "Average score of the month's identified self-assessment results (each person's latest "
        "once), over every competence area and per area; fewer than five results are not shown.",
        "percent",
        "ratio",
        "surveys.assessment.v1",
    ),
    Indicator(
        "self_assessment_change",
        "effect",
        "Self-assessment change",
        "Change in the self-assessment scores of the same people: for those with two or more "
        "identified results by the month's end, the mean of latest minus first, in percentage "
        "points; fewer than five people are not shown.",
        "percent",
        "latest",
        "surveys.assessment.v1",
    ),
    Indicator(
        "coverage",
        "impact",
        "Network coverage",
        "Municipalities with an active partner organisation at the month's end.",
        "percent",
        "latest",
        "memberships, organisations",
        parts=("region", "type"),
    ),
    Indicator(
        "network_growth",
        "impact",
        "Network growth",
        "Members whose membership started in the month.",
        "count",
        "sum",
        "memberships",
    ),
    Indicator(
        "active_partners",
        "impact",
        "Partners active in the last 12 months",
        "Partner organisations with a member who opened, clicked or answered a survey in the "
        "twelve months up to the month's end.",
        "percent",
        "latest",
        "memberships, activity",
        parts=("region", "type"),
    ),
)
BY_KEY: dict[str, Indicator] = {i.key: i for i in CATALOGUE}
# Stored beside the indicators for the open data (network size by region and type per month).
NETWORK_SIZE = "network_size"


def indicator(key: str) -> Indicator:
    try:
        return BY_KEY[key]
    except KeyError:
        raise ValueError(f"no indicator {key!r}") from None


def of_stage(stage: Stage) -> list[Indicator]:
    return [i for i in CATALOGUE if i.stage == stage]


@dataclass(frozen=True)
class Figure:
    """One indicator's figure: a count (value = numerator) or a share (value in 0..1)."""

    value: float
    numerator: int | None = None
    denominator: int | None = None

    @staticmethod
    def count(n: int) -> Figure:
        return Figure(float(n), n, None)

    @staticmethod
    def share(numerator: int, denominator: int) -> Figure:
        return Figure(rate(numerator, denominator), numerator, denominator)


def rate(numerator: int, denominator: int) -> float:
    """A share in 0..1; nothing out of nothing is 0."""
    if denominator <= 0:
        return 0.0
    return numerator / denominator


def shown(ind: Indicator, value: float) -> float:
    """The value in the indicator's unit: a share as per cent, a count as it is."""
    return value * 100 if ind.unit == "percent" else value


@dataclass(frozen=True)
class Coverage:
    whole: Figure
    by_region: dict[str, Figure]  # region code -> covered municipalities of the region
    by_type: dict[str, Figure]  # organisation type -> municipalities it covers, of all


def coverage(partners: Iterable[tuple[str, str]], municipalities: Mapping[str, str]) -> Coverage:
    """Share of municipalities with an active partner, overall, per region and per type.

    partners: (municipality code, organisation type) of each active partner organisation;
    municipalities: every municipality code -> its region code. A municipality outside the
    classification (a merged one) covers nothing.
    """
    covered: set[str] = set()
    by_type: dict[str, set[str]] = {}
    for municipality, org_type in partners:
        if municipality not in municipalities:
            continue
        covered.add(municipality)
        by_type.setdefault(org_type, set()).add(municipality)
    total = len(municipalities)
    in_region: dict[str, int] = {}
    for region in municipalities.values():
        in_region[region] = in_region.get(region, 0) + 1
    covered_in: dict[str, int] = dict.fromkeys(in_region, 0)
    for municipality in covered:
        covered_in[municipalities[municipality]] += 1
    return Coverage(
        whole=Figure.share(len(covered), total),
        by_region={r: Figure.share(covered_in[r], n) for r, n in sorted(in_region.items())},
        by_type={t: Figure.share(len(m), total) for t, m in sorted(by_type.items())},
    )


def year_figure(ind: Indicator, months: Sequence[Figure | None]) -> Figure | None:
    """The year's figure from its months (oldest first; None = not counted)."""
    held = [f for f in months if f is not None]
    if not held:
        return None
    if ind.aggregate == "sum":
        total = sum(f.numerator if f.numerator is not None else round(f.value) for f in held)
        return Figure.count(total)
    if ind.aggregate == "ratio":
        numerator = sum(f.numerator or 0 for f in held)
        denominator = sum(f.denominator or 0 for f in held)
        return Figure.share(numerator, denominator)
    return held[-1]  # latest, and year_to_date (the caller passes the year-to-date figures)


def progress(ind: Indicator, figure: Figure | None, target: float | None) -> float | None:
    """How far the year's figure is towards the target, 0.0 = none, 1.0 = reached."""
    if figure is None or target is None or target <= 0:
        return None
    return shown(ind, figure.value) / target


Trend = Literal["rising", "falling", "steady", "unknown"]


def trend(values: Sequence[float | None], tolerance: float = 0.05) -> Trend:
    """Rising or falling: the last three counted months against the three before them."""
    held = [v for v in values if v is not None]
    if len(held) < 2:
        return "unknown"
    recent = held[-3:] if len(held) >= 4 else held[-1:]
    before = held[-6:-3] if len(held) >= 4 else held[:1]
    now, then = sum(recent) / len(recent), sum(before) / len(before)
    if then == 0:
        return "steady" if now == 0 else "rising"
    change = (now - then) / abs(then)
    if change > tolerance:
        return "rising"
    if change < -tolerance:
        return "falling"
    return "steady"


def lagging(parts: Mapping[str, Figure], whole: Figure, factor: float = LAG_FACTOR) -> list[str]:
    """The parts (regions, types) whose share is under `factor` times the whole's, lowest
    first (ties by code, so the order is stable)."""
    line = whole.value * factor
    low = [(f.value, code) for code, f in parts.items() if f.value < line]
    return [code for _, code in sorted(low)]


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def months_of(year: int, today: date) -> list[date]:
    """The first day of each month of the year that has begun by today."""
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    return [date(year, m, 1) for m in range(1, last + 1)]


def suppressed(value: int | None) -> int | None:
    """Open data shows no group smaller than SMALLEST_GROUP: such a count is left empty."""
    if value is None or value < SMALLEST_GROUP:
        return None
    return value


def parse_target(ind: Indicator, raw: str) -> float:
    """A target as staff type it: a count (whole, at most a billion) or a per cent (0–100)."""
    text = raw.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "").rstrip("%")
    try:
        value = float(text)
    except ValueError:
        raise ValueError("Give the target as a number.") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError("Give the target as a number.")
    if ind.unit == "percent" and value > 100:
        raise ValueError("A percentage is at most 100.")
    if ind.unit == "count" and (value != int(value) or value > 1_000_000_000):
        raise ValueError("Give the target as a whole number.")
    return round(value, 2)
