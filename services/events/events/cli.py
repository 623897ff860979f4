"""Events' extra commands: `rebuild-replica` refills contact_snapshot from Kafka."""

from __future__ import annotations

import argparse

from events.registration.erasure import settle_removed_people
from events.settings import EventsSettings
from events.tables import contact_snapshot
from shared.db import make_engine
from shared.entrypoints import Command
from shared.replica_rebuild import rebuild_contact_replica


async def run_rebuild_replica(settings: EventsSettings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, pool_size=2)
    try:
        applied = await rebuild_contact_replica(
            settings=settings,
            engine=engine,
            table=contact_snapshot,
            after_apply=settle_removed_people,
        )
    finally:
        await engine.dispose()
    print(f"contact_snapshot rebuilt from {applied} events")
    return 0


COMMANDS = {
    "rebuild-replica": Command(
        help="empty contact_snapshot and refill it from contacts.contact.v1",
        configure=lambda parser: None,
        run=run_rebuild_replica,
    ),
}
