"""The reminder schedule: a loop in the worker that sends what is due, then sleeps (the SQL
unit of work is built here, at the edge, from the worker's engine)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from surveys.campaigns.service import Links, send_due_reminders
from surveys.settings import SurveysSettings
from surveys.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


def reminder_loop(
    engine: AsyncEngine, settings: SurveysSettings
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    links = Links(keys=settings.token_keys(), base_url=settings.public_base_url)

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await send_due_reminders(
                    unit_of_work(engine), links=links, batch_size=settings.reminder_batch_size
                )
                if sent:
                    log.info("survey reminders requested", extra={"count": sent})
            except Exception:
                log.exception("reminder run failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.reminder_poll_interval_s)

    return loop
