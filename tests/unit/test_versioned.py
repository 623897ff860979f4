"""The newest record of each key wins before a replica's upsert (shared/versioned.py)."""

from __future__ import annotations

import pytest

from shared.versioned import newest_per_key

pytestmark = pytest.mark.unit


def test_the_newest_version_of_each_key_is_kept_in_first_seen_order() -> None:
    rows = [
        {"id": "a", "version": 1, "v": "a1"},
        {"id": "b", "version": 3, "v": "b3"},
        {"id": "a", "version": 4, "v": "a4"},
        {"id": "b", "version": 2, "v": "b2"},  # older, after a newer: passed over
        {"id": "a", "version": 4, "v": "a4 again"},  # equal: the first stays
    ]
    assert newest_per_key(rows, "id") == [
        {"id": "a", "version": 4, "v": "a4"},
        {"id": "b", "version": 3, "v": "b3"},
    ]
    assert newest_per_key([], "id") == []
