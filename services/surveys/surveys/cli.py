"""Surveys' extra commands: `rebuild-replica` refills contact_snapshot from Kafka;
`publish-surveys` writes every survey's snapshot to the outbox again."""

from __future__ import annotations

import argparse

from shared.db import make_engine
from shared.entrypoints import Command
from shared.replica_rebuild import rebuild_replica_command
from shared.retention import retention_command
from surveys.builder.snapshot import publish_snapshot
from surveys.erasure.service import settle_removed_people
from surveys.retention.job import run_retention
from surveys.settings import SurveysSettings
from surveys.tables import contact_snapshot
from surveys.unit_of_work import ConsumerUnitOfWork, unit_of_work


async def run_publish_surveys(settings: SurveysSettings, args: argparse.Namespace) -> int:
    """Every survey's snapshot on surveys.survey.v1 again (e.g. for surveys made before the
    topic existed); the consumers' version guards make a repeat harmless."""
    engine = make_engine(settings.database_url, pool_size=2)
    try:
        async with unit_of_work(engine) as uow:
            listed = await uow.surveys.listing()
            for row in listed:
                survey = await uow.surveys.get(row["id"])
                if survey is not None:
                    publish_snapshot(uow, survey)
            await uow.commit()
    finally:
        await engine.dispose()
    print(f"{len(listed)} survey snapshots written to the outbox")
    return 0


COMMANDS = {
    "publish-surveys": Command(
        help="write every survey's snapshot (surveys.survey.v1) to the outbox again",
        configure=lambda parser: None,
        run=run_publish_surveys,
    ),
    **rebuild_replica_command(
        contact_snapshot,
        unit_of_work=lambda settings: ConsumerUnitOfWork,
        after_apply=settle_removed_people,
    ),
    **retention_command(run_retention),
}
