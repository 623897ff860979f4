"""The campaign scheduler's edge: the worker's loop runs `service.start_due` every
`scheduler_interval_s`, each tick in a unit of work of its own built from the engine."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.campaigns.service import start_due
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import SqlUnitOfWork
from shared.worker import Loop

log = logging.getLogger(__name__)


async def run_due(engine: AsyncEngine, suppression_key: bytes) -> tuple[int, int]:
    """One scheduler tick in its own transaction: (started, finished)."""
    async with SqlUnitOfWork(engine, suppression_key) as uow:
        return await start_due(uow)


def scheduler_loop(engine: AsyncEngine, settings: NewsletterSettings) -> Loop:
    """Start due campaigns and close finished ones, as a shared/worker.py loop."""
    key = settings.suppression_secret()

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await run_due(engine, key)
            except Exception:  # a bad tick must not stop the loop; the next one retries
                log.exception("campaign scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.scheduler_interval_s)

    return loop
