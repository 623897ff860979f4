"""The self-assessment's effect figures on a fixed data set, against figures worked by hand.

Areas: s = digital security, d = devices. Regions: p1, p2 in 01; p3 in 06; p4 and the unjoined
result u not known. "|" separates what each person took, oldest first.

  p1: 3 Mar s20 d60 | 20 Mar s40 d80        (two in March: the 20th counts for March)
  p2: 10 Feb s30 d40 | 5 Mar s50 d50
  p3: 11 Feb s40 d60 | 7 Mar s30 d90
  p4: 12 Feb s50 d20 | 9 Mar s70             (no devices score in March)
  p5: 5 Jan s0 d30 | 20 Feb s30 d30          (nothing in March)
  p6: 1 Feb s10                              (one result: no change)
  u:  10 Mar s10 d40                         (joined to nobody: a score, never a change)
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from contacts.impact.domain import WHOLE, Figure
from contacts.impact.self_assessment import (
    Result,
    cell_size,
    change_figures,
    latest_per_person,
    score_figures,
)

REGIONS = {1: "01", 2: "01", 3: "06"}


def taken(n: int | None, day: str, region: str = "", **percents: int) -> Result:
    on = date.fromisoformat(day)
    return Result(
        attempt_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{n}-{day}"),
        person_id=uuid.UUID(int=n) if n is not None else None,
        taken_on=on,
        received_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC),
        percents=percents,
        region=REGIONS.get(n or 0, region),
    )


RESULTS = [
    taken(1, "2026-03-03", s=20, d=60),
    taken(1, "2026-03-20", s=40, d=80),
    taken(2, "2026-02-10", s=30, d=40),
    taken(2, "2026-03-05", s=50, d=50),
    taken(3, "2026-02-11", s=40, d=60),
    taken(3, "2026-03-07", s=30, d=90),
    taken(4, "2026-02-12", s=50, d=20),
    taken(4, "2026-03-09", s=70),
    taken(5, "2026-01-05", s=0, d=30),
    taken(5, "2026-02-20", s=30, d=30),
    taken(6, "2026-02-01", s=10),
    taken(None, "2026-03-10", s=10, d=40),
]
MARCH = [r for r in RESULTS if r.taken_on.month == 3]


def test_march_scores_count_each_person_once_and_hide_small_groups() -> None:
    got = score_figures(MARCH)
    # p1's 20 Mar (40, 80), p2 (50, 50), p3 (30, 90), p4 (70), u (10, 40): 5 results, 9 scores
    assert got[WHOLE] == Figure.share(460, 900)  # 51.1 %
    assert got["area:s"] == Figure.share(200, 500)  # (40 + 50 + 30 + 70 + 10) / 5 = 40 %
    assert "area:d" not in got  # 4 results only (p4 has no devices score)
    cells = {p: (f.numerator, cell_size(f)) for p, f in got.items() if p.startswith("cell:")}
    assert cells == {
        "cell:01|s": (90, 2),  # p1 40, p2 50
        "cell:01|d": (130, 2),
        "cell:06|s": (30, 1),
        "cell:06|d": (90, 1),
        "cell:|s": (80, 2),  # p4 70, u 10
        "cell:|d": (40, 1),
    }


def test_february_has_too_few_results_for_any_score() -> None:
    february = [r for r in RESULTS if r.taken_on.month == 2]
    got = score_figures(february)  # p2, p3, p4, p5, p6: five people, but s only in 5, d in 4
    assert got[WHOLE] == Figure.share(30 + 40 + 40 + 60 + 50 + 20 + 30 + 30 + 10, 900)
    assert got["area:s"] == Figure.share(30 + 40 + 50 + 30 + 10, 500)
    assert "area:d" not in got


def test_change_by_the_end_of_march_is_latest_minus_first_of_the_same_people() -> None:
    got = change_figures(RESULTS)
    # per person, mean over the areas both results score:
    # p1 (+20, +20) 20; p2 (+20, +10) 15; p3 (-10, +30) 10; p4 (s only) +20; p5 (+30, 0) 15
    assert got[WHOLE] == Figure((20 + 15 + 10 + 20 + 15) / 5 / 100, None, 5)
    assert got["area:s"] == Figure((20 + 20 - 10 + 20 + 30) / 5 / 100, None, 5)
    assert "area:d" not in got  # p1, p2, p3, p5: four people


def test_change_by_the_end_of_february_has_too_few_people() -> None:
    got = change_figures([r for r in RESULTS if r.taken_on.month < 3])
    assert got == {}  # only p5 has two results by then


def test_the_latest_of_one_day_is_the_one_received_last() -> None:
    morning = taken(9, "2026-03-01", s=10)
    evening = Result(
        uuid.UUID(int=99),
        morning.person_id,
        morning.taken_on,
        morning.received_at.replace(hour=18),
        {"s": 90},
    )
    assert latest_per_person([evening, morning]) == [evening]


@pytest.mark.parametrize("size", [4, 5])
def test_a_score_needs_five_results(size: int) -> None:
    crowd = [taken(100 + n, "2026-03-02", s=50) for n in range(size)]
    assert (WHOLE in score_figures(crowd)) is (size >= 5)
