"""In-memory `BounceRepository`: deliveries a DSN may name, what was bounced and suppressed."""

from __future__ import annotations

import dataclasses
import uuid

from newsletter.bounces.domain import BouncedDelivery


class FakeBounces:
    def __init__(self) -> None:
        self.deliveries: dict[uuid.UUID, BouncedDelivery] = {}
        self.errors: dict[uuid.UUID, str | None] = {}
        self.suppressed: dict[bytes, tuple[str, str | None]] = {}

    async def delivery_for_update(self, delivery_id: uuid.UUID) -> BouncedDelivery | None:
        return self.deliveries.get(delivery_id)

    async def mark_bounced(self, delivery_id: uuid.UUID, detail: str | None) -> None:
        row = self.deliveries[delivery_id]
        self.deliveries[delivery_id] = dataclasses.replace(row, status="bounced")
        self.errors[delivery_id] = detail

    async def suppress(self, email_hmac: bytes, detail: str | None) -> None:
        self.suppressed.setdefault(email_hmac, ("hard_bounce", detail))
