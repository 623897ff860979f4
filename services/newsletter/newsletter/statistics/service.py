"""Live send progress of a campaign (staff page, JSON API and the `progress` command)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.campaigns import repository as campaigns
from newsletter.errors import NotFound
from newsletter.statistics import repository as rows
from newsletter.statistics.domain import Progress, progress_of


async def campaign_progress(engine: AsyncEngine, campaign_id: uuid.UUID) -> Progress:
    # One snapshot: the counts and the rate agree with each other.
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="REPEATABLE READ")
        if await campaigns.get(conn, campaign_id) is None:
            raise NotFound("No such campaign.")
        counts = await rows.status_counts(conn, campaign_id)
        recent = await rows.finished_recently(conn, campaign_id)
    return progress_of(counts, recent)
