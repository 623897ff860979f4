"""The audience size of a visit request, typed as people do."""

from __future__ import annotations

import pytest
from contacts.visits.domain import MAX_AUDIENCE, approximate_audience

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("typed", "size"),
    [
        ("30", 30),
        ("n. 30", 30),
        ("noin 30 henkeä", 30),
        ("about 30", 30),
        ("ca 30", 30),
        ("30+", 30),
        ("20–30", 25),
        ("20-25", 22),
        ("1 000", 1000),
        ("ungefär 15 personer", 15),
    ],
)
def test_approximate_sizes_and_ranges_are_understood(typed: str, size: int) -> None:
    assert approximate_audience(typed) == size


@pytest.mark.parametrize("typed", ["", "monta", "0", "1, 2 tai 3", str(MAX_AUDIENCE + 1)])
def test_no_number_too_many_or_out_of_range_is_refused(typed: str) -> None:
    assert approximate_audience(typed) is None
