"""The retention job's edge: the worker loop and the `retention` command (shared/retention.py)
call `run_retention(engine, settings, dry_run=...)`, which runs the use case in a unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.retention.service import RetentionReport, apply_retention
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import SqlUnitOfWork


async def run_retention(
    engine: AsyncEngine,
    settings: NewsletterSettings,
    *,
    dry_run: bool,
    now: datetime | None = None,
) -> RetentionReport:
    async with SqlUnitOfWork(engine, settings.suppression_secret()) as uow:
        return await apply_retention(
            uow,
            tracking_months=settings.retention_tracking_events_months,
            delivery_months=settings.retention_delivery_rows_months,
            dry_run=dry_run,
            now=now,
        )
