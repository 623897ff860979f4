"""Surveys' extra commands: `rebuild-replica` refills contact_snapshot from Kafka."""

from __future__ import annotations

import argparse

from shared.db import make_engine
from shared.entrypoints import Command
from shared.replica_rebuild import rebuild_contact_replica
from shared.retention import retention_command
from surveys.erasure.service import settle_removed_people
from surveys.retention.service import run_retention
from surveys.settings import SurveysSettings
from surveys.tables import contact_snapshot


async def run_rebuild_replica(settings: SurveysSettings, args: argparse.Namespace) -> int:
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
    **retention_command(run_retention),
}
