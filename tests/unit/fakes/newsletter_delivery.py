"""In-memory `SendingRepository`: delivery rows as the send path sees them, the
suppression list, and the outcome events written to the outbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from newsletter.delivery.repository import OutboxRows


@dataclass
class FakeSendRow:
    id: uuid.UUID
    due: datetime
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    finished: bool = False
    priority: int = 1
    campaign_id: uuid.UUID | None = None


class FakeSending:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, FakeSendRow] = {}
        self.campaigns: dict[uuid.UUID, dict[str, Any]] = {}
        self.suppressed: dict[bytes, tuple[str, str | None]] = {}
        self.outbox: list[tuple[str, uuid.UUID, str, list[list[str]], dict[str, Any]]] = []
        self.now: datetime | None = None  # the database's clock, for claims

    async def claim(self, *, limit: int, lease_s: float) -> Sequence[Any]:
        assert self.now is not None, "set the fake's clock to claim"
        due = sorted(
            (r for r in self.rows.values() if r.status == "pending" and r.due <= self.now),
            key=lambda r: (r.priority, r.due),
        )[:limit]
        for row in due:
            row.attempts += 1
        return [
            SimpleNamespace(id=r.id, attempts=r.attempts, campaign_id=r.campaign_id) for r in due
        ]

    async def campaigns_of(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        return {i: dict(self.campaigns[i]) for i in ids if i in self.campaigns}

    async def finish(
        self, ids: Sequence[uuid.UUID], *, status: str, errors: Sequence[str | None]
    ) -> None:
        for i, error in zip(ids, errors, strict=True):
            row = self.rows[i]
            row.status, row.last_error, row.finished = status, error, True

    async def defer(
        self, ids: Sequence[uuid.UUID], *, due: Sequence[datetime], errors: Sequence[str | None]
    ) -> None:
        for i, at, error in zip(ids, due, errors, strict=True):
            row = self.rows[i]
            row.due, row.last_error = at, error

    async def hold(
        self,
        ids: Sequence[uuid.UUID],
        *,
        due: Sequence[datetime],
        attempts: Sequence[int],
        errors: Sequence[str | None],
    ) -> None:
        for i, at, n, error in zip(ids, due, attempts, errors, strict=True):
            row = self.rows[i]
            if row.status == "pending":
                row.due, row.attempts, row.last_error = at, n, error

    async def suppress(self, entries: Sequence[tuple[bytes, str, str | None]]) -> None:
        for email_hmac, reason, detail in entries:
            self.suppressed.setdefault(email_hmac, (reason, detail))

    async def add_outcome_events(self, topic: str, rows: OutboxRows) -> None:
        for event_id, key, headers, payload in zip(
            rows.event_ids, rows.keys, rows.headers, rows.payloads, strict=True
        ):
            self.outbox.append((topic, event_id, key, json.loads(headers), json.loads(payload)))

    def events(self) -> list[dict[str, Any]]:
        """The outcome events' data, in the order written."""
        return [data for *_, data in self.outbox]
