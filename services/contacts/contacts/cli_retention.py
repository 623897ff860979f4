"""`python -m contacts.main retention [--dry-run]`: the retention job once, from the shell.

`run_retention_on` is the job's edge for the shared loop and command (shared/retention.py),
which hold an engine: it builds contacts' SQL unit of work and runs the use case on it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.retention.service import RetentionReport, run_retention
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.retention import retention_command
from shared.settings import ServiceSettings


async def run_retention_on(
    engine: AsyncEngine, settings: ServiceSettings, *, dry_run: bool, now: datetime | None = None
) -> RetentionReport:
    return await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=dry_run, now=now)


COMMANDS = retention_command(run_retention_on)
