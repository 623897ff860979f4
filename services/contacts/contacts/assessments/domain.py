"""How a self-assessment result reads on a timeline, and which areas count as weak (plain Python).

**Weak** = an area in the lowest score band of the test, "getting started" (0-39 %; the
bands are the surveys service's `assessment.domain.BANDS`). Surveys puts those keys in the
event's `weak_areas`; contacts keeps the ones of the person's LATEST result only, so a retake
replaces them (docs/self-assessment.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

WEAK_BELOW = 40  # the lowest band ends at 39 %


def summary(percents: Mapping[str, int], names: Mapping[str, str]) -> str:
    """ "Digitaalinen turvallisuus 33 %, Tietosuoja 100 %" in the order the event gives."""
    return ", ".join(f"{names.get(key, key)} {value} %" for key, value in percents.items())


def weak_areas(
    percents: Mapping[str, int], flagged: Sequence[str] | None = None
) -> tuple[str, ...]:
    """The result's weak area keys, sorted: those (the event flags, or all) that it scored
    below WEAK_BELOW (an area the result has no score for is never weak)."""
    keys = percents if flagged is None else flagged
    return tuple(sorted({k for k in keys if k in percents and percents[k] < WEAK_BELOW}))
