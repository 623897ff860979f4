"""The archive's reading of the campaigns.

`ArchiveRepository` is what the use cases see (`uow.archive`); `ArchiveRows` is it in SQL,
tests/unit/fakes/newsletter_archive.py in memory."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.archive.domain import SENT_STATES
from newsletter.campaigns.domain import Campaign
from newsletter.tables import campaigns


class ArchiveRepository(Protocol):
    async def sent(self, campaign_id: uuid.UUID | None = None) -> list[Campaign]:
        """Campaigns whose send started, newest first (or the one asked for): at least
        every campaign `domain.in_public_archive` lets in, which the use cases apply."""
        ...


class ArchiveRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def sent(self, campaign_id: uuid.UUID | None = None) -> list[Campaign]:
        # Narrowed by the rule of domain.in_public_archive, so the page reads no drafts.
        c = campaigns
        stmt = (
            select(c)
            .where(
                c.c.status.in_(SENT_STATES),
                c.c.send_started_at.is_not(None),
                c.c.in_archive.is_(True),
            )
            .order_by(c.c.send_started_at.desc())
        )
        if campaign_id is not None:
            stmt = stmt.where(c.c.id == campaign_id)
        return [Campaign.of(dict(r)) for r in (await self._conn.execute(stmt)).mappings()]
