"""What every service's retention job shares: calendar cut-offs, the audit entry, the loop and
the `retention [--dry-run]` command. The periods are settings (shared/settings.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from shared.audit import publish_staff_action
from shared.db import make_engine
from shared.entrypoints import Command
from shared.outbox.unit_of_work import Publisher
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)
ACTOR = "system:retention"


class Report(Protocol):
    @property
    def dry_run(self) -> bool: ...

    def counts(self) -> Mapping[str, int]: ...

    def listed(self) -> list[str]: ...


def start_of_day(moment: datetime) -> datetime:
    """Midnight UTC of the moment's day: a day's rows are then handled all in one run."""
    return datetime.combine(moment.astimezone(UTC).date(), time(), UTC)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months earlier (clamped to the month's end), at 00:00 UTC."""
    day = moment.astimezone(UTC).date()
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    last_day = (following - timedelta(days=1)).day
    return datetime(year, month, min(day.day, last_day), tzinfo=UTC)


def publish_audit(uow: Publisher, *, service: str, details: dict[str, Any]) -> None:
    """One staff.audit.v1 entry per real run: counts and cut-offs only, no personal data."""
    publish_staff_action(
        uow,
        service=service,
        actor_id=ACTOR,
        action="retention.run",
        target_type="retention",
        target_id=service,
        details=details,
    )


Runner = Callable[..., Awaitable[Report]]


def retention_loop(
    engine: Any, settings: ServiceSettings, run: Runner
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The job as a worker loop: a failed round is logged and tried at the next tick."""

    async def loop(stop: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.retention_first_run_delay_s)
        while not stop.is_set():
            try:
                report = await run(engine, settings, dry_run=False)
                log.info("retention run", extra=dict(report.counts()))
            except Exception:  # the database may be away for a while; the next tick retries
                log.exception("retention run failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.retention_interval_s)

    return loop


def retention_command(run: Runner) -> dict[str, Command]:
    """`retention [--dry-run]` for a service's COMMANDS."""

    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed; change nothing"
        )

    async def command(settings: ServiceSettings, args: argparse.Namespace) -> int:
        engine = make_engine(settings.database_url, pool_size=1)
        try:
            report = await run(engine, settings, dry_run=args.dry_run)
        finally:
            await engine.dispose()
        verb = "would remove" if report.dry_run else "removed"
        print(f"{verb}: {dict(report.counts())}")
        if report.dry_run:  # ids only: enough to check, no personal data on the terminal
            for line in report.listed():
                print(line)
        return 0

    return {"retention": Command("apply the retention periods", configure, command)}
