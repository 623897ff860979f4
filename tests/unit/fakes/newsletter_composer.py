"""In-memory `ComposerRepository` and `SegmentRepository`: what the composer offers to choose
from (followed topics, live segments) and where test sends went, as the test sets them."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from shared.collation import sort_key


class FakeComposer:
    def __init__(self) -> None:
        self.followed: list[list[str]] = []  # each person's topics (erased people left out)
        # test copy id -> (campaign id, [(address, status)])
        self.test_sends: dict[uuid.UUID, tuple[uuid.UUID, list[tuple[str, str]]]] = {}

    async def test_mails(self, campaign_id: uuid.UUID, copy_id: uuid.UUID) -> list[tuple[str, str]]:
        of, mails = self.test_sends.get(copy_id, (None, []))
        return sorted(mails) if of == campaign_id else []

    async def known_topics(self) -> dict[str, int]:
        counted = Counter(topic for topics in self.followed for topic in topics)
        return dict(sorted(counted.items()))


class FakeSegments:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []  # segment_id, name, rule, version, archived

    async def active(self, lang: str = "fi") -> list[dict[str, Any]]:
        live = [dict(r) for r in self.rows if not r.get("archived", False)]
        return sorted(live, key=lambda r: (sort_key(r["name"], lang), str(r["segment_id"])))
