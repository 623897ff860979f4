"""Newsletter's extra commands: `sender` (delivery workers only), `rebuild-replica` (with
the erasure hook, as the live replica), `bounces` (DSN files or a Maildir), `bounce-smtp`
(the bounce domain's SMTP listener) and `progress` (a campaign's send progress as a text
bar)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import uuid
from collections import Counter
from pathlib import Path

from newsletter.bounces.inbound import BounceIntake, serve_smtp
from newsletter.delivery.worker import delivery_loop
from newsletter.erasure import handlers as erasure
from newsletter.retention.job import run_retention
from newsletter.settings import NewsletterSettings
from newsletter.statistics.domain import Progress, format_eta
from newsletter.statistics.service import campaign_progress
from newsletter.tables import contact_snapshot
from newsletter.unit_of_work import SqlUnitOfWork
from shared.db import make_engine
from shared.entrypoints import Command
from shared.replica_rebuild import rebuild_replica_command
from shared.retention import retention_command


async def run_sender(settings: NewsletterSettings, args: argparse.Namespace) -> int:
    """Delivery only: no Kafka consumers, no relay (the main worker's relay publishes the
    outcome events these processes write to the outbox)."""
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await delivery_loop(engine, settings)(stop)
    finally:
        await engine.dispose()
    return 0


def _configure_bounces(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", type=Path, action="append", help="a DSN mail (.eml)")
    source.add_argument("--maildir", type=Path, help="a Maildir folder; processed mails leave it")


async def run_bounces(settings: NewsletterSettings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, pool_size=2)
    try:
        intake = BounceIntake(engine, settings)
        results: Counter[str] = Counter()
        if args.maildir is not None:
            results = await intake.process_maildir(args.maildir)
        for path in args.file or []:
            results[await intake.process(path.read_bytes())] += 1
    finally:
        await engine.dispose()
    print(", ".join(f"{k}: {v}" for k, v in sorted(results.items())) or "nothing to do")
    return 0


async def run_bounce_smtp(settings: NewsletterSettings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        intake = BounceIntake(engine, settings)
        await serve_smtp(intake, settings.bounce_smtp_host, settings.bounce_smtp_port, stop)
    finally:
        await engine.dispose()
    return 0


def progress_line(p: Progress, width: int = 30) -> str:
    filled = width * p.percent // 100
    bar = "#" * filled + "-" * (width - filled)
    return (
        f"[{bar}] {p.percent:3d} %  sent {p.sent}  failed {p.failed}  remaining {p.remaining}"
        f"  {p.rate_per_min}/min  ETA {format_eta(p.eta_s)}"
    )


def _configure_progress(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("campaign_id", type=uuid.UUID)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between updates")


async def run_progress(settings: NewsletterSettings, args: argparse.Namespace) -> int:
    """Redraws one line on a terminal, prints a line per update otherwise; ends when done."""
    engine = make_engine(settings.database_url, pool_size=1)
    end = "\r" if sys.stdout.isatty() else "\n"
    try:
        while True:
            async with SqlUnitOfWork(engine, settings.suppression_secret()) as uow:
                p = await campaign_progress(uow, args.campaign_id)
            print(progress_line(p), end=end, flush=True)
            if p.done:
                break
            await asyncio.sleep(args.interval)
    finally:
        await engine.dispose()
    if end == "\r":
        print()
    return 0


COMMANDS = {
    "sender": Command(
        help="delivery workers only (extra sending processes)",
        configure=lambda parser: None,
        run=run_sender,
    ),
    **rebuild_replica_command(
        contact_snapshot, unit_of_work=erasure.joined, after_apply=erasure.on_removals
    ),
    "bounces": Command(
        help="process bounce mails (RFC 3464 DSNs) from files or a Maildir folder",
        configure=_configure_bounces,
        run=run_bounces,
    ),
    "bounce-smtp": Command(
        help="SMTP listener for the bounce domain (NEWSLETTER_BOUNCE_SMTP_HOST/_PORT)",
        configure=lambda parser: None,
        run=run_bounce_smtp,
    ),
    **retention_command(run_retention),
    "progress": Command(
        help="a campaign's send progress as a text bar, until it is done",
        configure=_configure_progress,
        run=run_progress,
    ),
}
