"""Every rate the staff see is computed by one function, results.domain.percent."""

from __future__ import annotations

import re
from pathlib import Path

import surveys
from surveys.results.domain import percent

PERCENTAGE = re.compile(r"100\s*\*\s*\w+\s*/")


def test_percent_rounds_to_one_decimal_and_nobody_is_zero() -> None:
    assert percent(1, 3) == 33.3
    assert percent(2, 3) == 66.7
    assert percent(5, 5) == 100.0
    assert percent(0, 0) == 0.0


def test_no_other_surveys_module_computes_a_percentage_itself() -> None:
    root = Path(surveys.__file__).parent
    computing = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if PERCENTAGE.search(path.read_text(encoding="utf-8"))
    }
    assert computing == {"results/domain.py"}
