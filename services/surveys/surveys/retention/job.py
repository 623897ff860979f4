"""The retention job's edge: the shared worker loop and CLI (`shared/retention.py`) call
`run_retention` with the engine and settings; it builds the SQL unit of work and the cut-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from shared.settings import ServiceSettings
from surveys.retention.domain import RetentionReport
from surveys.retention.service import retire_expired
from surveys.unit_of_work import unit_of_work


async def run_retention(
    engine: AsyncEngine, settings: ServiceSettings, *, dry_run: bool, now: datetime | None = None
) -> RetentionReport:
    now = now or datetime.now(UTC)
    closed_before = now - timedelta(days=settings.retention_invitation_days_after_close)
    return await retire_expired(unit_of_work(engine), closed_before=closed_before, dry_run=dry_run)
