"""Restart PostgreSQL in the middle of a campaign: every recipient gets exactly one mail and
every delivery is recorded. Outcomes SMTP gave while the database was away are kept until
they can be written; none is lost, so no mail goes twice one lease later."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from newsletter.campaigns.service import create_campaign, send_now
from newsletter.settings import NewsletterSettings
from newsletter.tables import deliveries
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.dead_letters import read_parked
from shared.web.staff import Staff
from tests.e2e.conftest import Workers
from tests.support.infra import Infra
from tests.support.mail_sink import CountingSink, build_audience, outcome_events_consumed
from tests.support.polling import eventually
from tests.support.processes import ServiceProcess

REPO = Path(__file__).resolve().parents[2]
RECIPIENTS = 400
RESTART_AFTER = 100  # mails accepted before the database goes down
# Slow enough that the restart lands mid-campaign on a fast machine too.
SEND_RATE_PER_S = 60
# Two beside the stack's smtp-sink port (the crash test uses one), so stacks never share it.
SINK_PORT = int(os.environ.get("SMTP_SINK_PORT", "12525")) + 2
RECORD_FAILED = "recording outcomes failed"
# The failures may be folded into the outage's one log line; their recovery never is.
RECORDED_AGAIN = "outcomes recorded again after failed writes"


@pytest.fixture
def sink() -> Iterator[CountingSink]:
    handler = CountingSink()
    controller = Controller(handler, hostname="127.0.0.1", port=SINK_PORT)
    controller.start()
    yield handler
    controller.stop()


def postgres(action: str) -> None:
    """The test cluster, through the project's own script (its ports come from the env)."""
    subprocess.run(
        ["deploy/bin/postgres.sh", "test", action], cwd=REPO, check=True, capture_output=True
    )


async def statuses(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        stmt = select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        return {status: int(n) for status, n in (await conn.execute(stmt)).all()}


async def sent_ids(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        stmt = select(deliveries.c.id).where(deliveries.c.status == "sent")
        return {str(i) for i in (await conn.execute(stmt)).scalars()}


def failed_writes(log: Path) -> int:
    try:
        text = log.read_text(errors="replace")
        return text.count(RECORD_FAILED) + text.count(RECORDED_AGAIN)
    except OSError:
        return 0


# It stops the shared test PostgreSQL: nothing else may run meanwhile (deploy/bin/test.sh runs
# the `disruptive` tests on their own, after the rest).
@pytest.mark.disruptive
@pytest.mark.timeout(300)
async def test_a_database_restart_mid_campaign_sends_each_mail_exactly_once(
    workers: Workers,
    infra: Infra,
    topics: str,
    clean_db: dict[str, AsyncEngine],
    service_env: dict[str, str],
    sink: CountingSink,
) -> None:
    db = clean_db["newsletter"]
    await build_audience(db, RECIPIENTS, tag="restart")
    settings = NewsletterSettings()
    staff = Staff(id="t", role="editor")
    async with SqlUnitOfWork(db, b"") as uow:
        campaign = await create_campaign(
            uow,
            staff=staff,
            name="Restart test",
            content={
                "fi": {
                    "subject": "Hei {{ first_name }}",
                    "blocks": [{"type": "text", "text": "x"}],
                }
            },
            default_language="fi",
            topics=[],
            topical=False,
            tracking=False,
            audience={"all": []},
        )
    # The session's worker would compete for the rows: this test runs its own.
    workers["newsletter"].stop()
    sender = ServiceProcess(
        "newsletter",
        "worker",
        service_env
        | {
            "SMTP_PORT": str(SINK_PORT),
            # A short lease: a restart of a few seconds outlasts half of it, so outcomes
            # written late must still keep the rows from being claimed again.
            "NEWSLETTER_LEASE_S": "8",
            "NEWSLETTER_CLAIM_BATCH_SIZE": "40",
            "NEWSLETTER_SEND_RATE_PER_S": str(SEND_RATE_PER_S),
            "NEWSLETTER_IDLE_POLL_S": "0.5",
        },
    )
    writes_failed_before = failed_writes(sender.log_path)
    started = time.monotonic()
    try:
        async with SqlUnitOfWork(db, settings.suppression_secret()) as uow:
            queued = await send_now(uow, staff=staff, campaign_id=campaign, settings=settings)
        assert queued == RECIPIENTS
        sender.start()

        async def accepted() -> int:
            return sink.total()

        await eventually(
            accepted,
            lambda n: n >= RESTART_AFTER,
            timeout=120,
            interval=0.02,
            what="worker sending",
        )
        await asyncio.to_thread(postgres, "stop")
        down_at = sink.total()
        await asyncio.sleep(2)  # mails keep going out while nothing can be recorded
        during = sink.total() - down_at
        await asyncio.to_thread(postgres, "start")
        assert down_at < RECIPIENTS, "the restart did not land mid-campaign"

        await eventually(
            lambda: statuses(db),
            lambda s: s.get("sent") == RECIPIENTS,
            timeout=180,
            interval=0.5,
            what="every delivery recorded as sent",
        )
        assert sender.alive(), sender.log_tail()
        final = sink.snapshot()
        duplicates = {mid: n for mid, n in final.items() if n > 1}
        print(
            f"\n{RECIPIENTS} recipients in {time.monotonic() - started:.1f} s; database down "
            f"after {down_at} accepted, {during} more accepted while it was down; failed "
            f"writes {failed_writes(sender.log_path) - writes_failed_before}; "
            f"duplicates {len(duplicates)}"
        )
        assert failed_writes(sender.log_path) > writes_failed_before, (
            "no outcome write failed: the restart tested nothing"
        )
        assert duplicates == {}
        assert set(final) == await sent_ids(db)
        assert len(final) == RECIPIENTS
        # The consumers of the outcome events lived through the restart too: what they could
        # not write while the database was away was retried, not parked as a bad record.
        await outcome_events_consumed(db, infra.kafka, topics)
        parked = await read_parked(infra.kafka, f"{topics}mail.events.v1.dlq", limit=100_000)
        ours = [m for m in parked if any(i.encode() in (m.value or b"") for i in final)]
        assert ours == [], [m.headers.get("dlq_error") for m in ours]
    finally:
        sender.stop()
        workers["newsletter"].start()
