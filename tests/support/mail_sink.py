"""An SMTP server for delivery tests that counts each mail by its Message-ID, and an audience
written straight into newsletter's replica."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.polling import eventually
from tests.support.processes import wait_until_consumed

MESSAGE_ID = re.compile(rb"^Message-ID: <([0-9a-f-]{36})@", re.MULTILINE)


class CountingSink:
    """Accepts everything and counts Message-IDs (no disk, no parsing)."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        found = MESSAGE_ID.search(envelope.original_content or b"")
        with self.lock:
            self.ids[found.group(1).decode() if found else "?"] += 1
        return "250 2.0.0 OK"

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.ids)

    def total(self) -> int:
        with self.lock:
            return sum(self.ids.values())


async def build_audience(engine: AsyncEngine, n: int, *, tag: str = "crash") -> None:
    """Replica rows straight into newsletter's database: fast, and what the audience reads."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO contact_snapshot (contact_id, version, email, first_name, language,"
                " subscription_state, confirmed_at, newsletter_consent, email_status)"
                " SELECT gen_random_uuid(), 1, :tag || '-' || i || '@example.fi', 'Name ' || i,"
                " (ARRAY['fi','sv','en'])[1 + i % 3], 'subscribed', now(), true, 'ok'"
                " FROM generate_series(1, :n) AS i"
            ),
            {"n": n, "tag": tag},
        )


MAIL_EVENT_CONSUMERS = ("contacts.mail-events", "surveys.mail-events")


async def outcome_events_consumed(
    engine: AsyncEngine, kafka: str, topics: str, *, timeout: float = 180.0
) -> None:
    """Until newsletter's outbox is empty and every consumer of `mail.events.v1` caught up:
    a campaign of thousands must not leave a backlog that delays the next test's events."""

    async def outbox_size() -> int:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM outbox"))).scalar_one())

    await eventually(outbox_size, lambda n: n == 0, timeout=timeout, what="outcomes published")
    for group in MAIL_EVENT_CONSUMERS:
        await wait_until_consumed(
            kafka, f"{topics}{group}", f"{topics}mail.events.v1", timeout=timeout
        )
