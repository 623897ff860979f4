"""Newsletter's extra commands: `sender` (delivery workers only), `rebuild-replica`."""

from __future__ import annotations

import argparse
import asyncio
import signal

from newsletter.persistence.tables import contact_snapshot
from newsletter.sending.worker import delivery_loop
from newsletter.settings import NewsletterSettings
from shared.db import make_engine
from shared.entrypoints import Command
from shared.replica_rebuild import rebuild_contact_replica


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


async def run_rebuild_replica(settings: NewsletterSettings, args: argparse.Namespace) -> int:
    """Empty contact_snapshot and refill it from the compacted topic (after a restore)."""
    engine = make_engine(settings.database_url, pool_size=2)
    try:
        applied = await rebuild_contact_replica(
            settings=settings, engine=engine, table=contact_snapshot
        )
    finally:
        await engine.dispose()
    print(f"contact_snapshot rebuilt from {applied} events")
    return 0


COMMANDS = {
    "sender": Command(
        help="delivery workers only (extra sending processes)",
        configure=lambda parser: None,
        run=run_sender,
    ),
    "rebuild-replica": Command(
        help="empty contact_snapshot and refill it from contacts.contact.v1",
        configure=lambda parser: None,
        run=run_rebuild_replica,
    ),
}
