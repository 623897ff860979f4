"""The self-assessment's effect figures from identified results (plain Python).

- **Score** of a month: the average percent per competence area (part `area:<key>`) and over
  every area (the whole), of the month's results, each person counted once (their latest
  result of the month; a result joined to nobody counts by itself). A share in 0..1 with
  numerator = the sum of percents and denominator = 100 × the number of scores, so a year's
  figure is the ratio of the sums. The open data's cells (`cell:<region>|<area>`) are kept
  too, whatever their size: the open dataset leaves the small ones empty.
- **Change** at a month's end: for the people with at least two results up to then, the mean
  of (latest − first), in percentage points (value = points / 100, denominator = people). Per
  area over the people whose first and latest results both score it; the whole takes each
  person's mean over those areas.
- A group of fewer than SMALLEST_GROUP results (score) or people (change) is not given: the
  part (or the whole) has no figure that month.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from contacts.impact.domain import SMALLEST_GROUP, WHOLE, Figure

SCORE = "self_assessment_score"
CHANGE = "self_assessment_change"


@dataclass(frozen=True)
class Result:
    attempt_id: uuid.UUID
    person_id: uuid.UUID | None
    taken_on: date
    received_at: datetime
    percents: Mapping[str, int]
    region: str = ""  # the person's region code now, "" when unknown


def _order(result: Result) -> tuple[date, datetime, str]:
    return (result.taken_on, result.received_at, str(result.attempt_id))


def latest_per_person(results: Iterable[Result]) -> list[Result]:
    """Each person's latest result (by day, then arrival); unjoined results each count."""
    latest: dict[object, Result] = {}
    for r in sorted(results, key=_order):
        latest[r.person_id if r.person_id is not None else r.attempt_id] = r
    return sorted(latest.values(), key=_order)


def _score(total: int, scores: int) -> Figure:
    return Figure.share(total, 100 * scores)


def score_figures(month_results: Iterable[Result]) -> dict[str, Figure]:
    """The month's average score: the whole, `area:<key>` and `cell:<region>|<key>` parts."""
    counted = latest_per_person(month_results)
    got: dict[str, Figure] = {}
    if len(counted) >= SMALLEST_GROUP:
        every = [p for r in counted for p in r.percents.values()]
        got[WHOLE] = _score(sum(every), len(every))
    by_area: dict[str, list[int]] = {}
    cells: dict[tuple[str, str], list[int]] = {}
    for r in counted:
        for key, percent in r.percents.items():
            by_area.setdefault(key, []).append(percent)
            cells.setdefault((r.region, key), []).append(percent)
    for key, percents in sorted(by_area.items()):
        if len(percents) >= SMALLEST_GROUP:
            got[f"area:{key}"] = _score(sum(percents), len(percents))
    for (region, key), percents in sorted(cells.items()):
        got[f"cell:{region}|{key}"] = _score(sum(percents), len(percents))
    return got


def cell_size(figure: Figure) -> int:
    """How many results a score figure averages."""
    return (figure.denominator or 0) // 100


def change_figures(results: Iterable[Result]) -> dict[str, Figure]:
    """The change of the people with two or more results among `results` (those up to the
    month's end): the whole and `area:<key>` parts, groups under SMALLEST_GROUP left out."""
    chains: dict[uuid.UUID, list[Result]] = {}
    for r in results:
        if r.person_id is not None:
            chains.setdefault(r.person_id, []).append(r)
    people: list[float] = []
    by_area: dict[str, list[int]] = {}
    for chain in chains.values():
        if len(chain) < 2:
            continue
        chain.sort(key=_order)
        first, last = chain[0].percents, chain[-1].percents
        common = [k for k in last if k in first]
        if not common:
            continue
        for key in common:
            by_area.setdefault(key, []).append(last[key] - first[key])
        people.append(sum(last[k] - first[k] for k in common) / len(common))
    got: dict[str, Figure] = {}
    if len(people) >= SMALLEST_GROUP:
        got[WHOLE] = Figure(sum(people) / len(people) / 100, None, len(people))
    for key, changes in sorted(by_area.items()):
        if len(changes) >= SMALLEST_GROUP:
            got[f"area:{key}"] = Figure(sum(changes) / len(changes) / 100, None, len(changes))
    return got
