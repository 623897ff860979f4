"""SIGKILL a delivery worker in the middle of a big campaign: nobody is missed, and the
only duplicates are mails that were in flight (accepted by SMTP, not yet recorded)."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from newsletter.campaigns.service import create_campaign, send_now
from newsletter.settings import NewsletterSettings
from newsletter.tables import deliveries
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.web.staff import Staff
from tests.e2e.conftest import Workers
from tests.support.infra import Infra
from tests.support.mail_sink import CountingSink, build_audience, outcome_events_consumed
from tests.support.polling import eventually
from tests.support.processes import ServiceProcess

# The issue asks for 20,000; on the shared 2-core machine (load ~9 while measured) the
# pipeline managed ~70 mails/s, so the default keeps the run near 90 s. Set
# NEWSLETTER_CRASH_RECIPIENTS=20000 on a quiet machine.
RECIPIENTS = int(os.environ.get("NEWSLETTER_CRASH_RECIPIENTS", "3000"))
KILL_AFTER = RECIPIENTS // 3
# Beside the stack's smtp-sink port, so parallel test stacks never share it.
SINK_PORT = int(os.environ.get("SMTP_SINK_PORT", "12525")) + 1
TEXT_BLOCK = {"type": "text", "text": "Digitaitoviikko alkaa."}


@pytest.fixture
def sink() -> Any:
    handler = CountingSink()
    controller = Controller(handler, hostname="127.0.0.1", port=SINK_PORT)
    controller.start()
    yield handler
    controller.stop()


async def sent_ids(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        stmt = select(deliveries.c.id).where(deliveries.c.status == "sent")
        return {str(i) for i in (await conn.execute(stmt)).scalars()}


async def count_pending(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        stmt = select(func.count()).where(deliveries.c.status == "pending")
        return int((await conn.execute(stmt)).scalar_one())


async def test_worker_killed_mid_campaign_misses_nobody_and_doubles_only_in_flight_mails(
    workers: Workers,
    infra: Infra,
    topics: str,
    clean_db: dict[str, AsyncEngine],
    service_env: dict[str, str],
    sink: CountingSink,
) -> None:
    db = clean_db["newsletter"]
    await build_audience(db, RECIPIENTS)
    settings = NewsletterSettings()
    async with SqlUnitOfWork(db, b"") as uow:
        campaign = await create_campaign(
            uow,
            staff=Staff(id="t", role="editor"),
            name="Crash test",
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
            "NEWSLETTER_LEASE_S": "12",
            "NEWSLETTER_IDLE_POLL_S": "0.5",
        },
    )
    started = time.monotonic()
    try:
        async with SqlUnitOfWork(db, settings.suppression_secret()) as uow:
            sent = await send_now(
                uow,
                staff=Staff(id="t", role="editor"),
                campaign_id=campaign,
                settings=settings,
            )
        assert sent == RECIPIENTS
        sender.start()
        await eventually(
            lambda: _total(sink),
            lambda n: n >= KILL_AFTER,
            timeout=max(60, RECIPIENTS / 30),
            interval=0.02,
            what="worker sending",
        )
        sender.kill()
        await asyncio.sleep(0.3)  # let the sink finish storing the last accepted DATA
        at_kill = sink.snapshot()
        recorded = await sent_ids(db)
        in_flight = len(set(at_kill) - recorded)
        assert await count_pending(db) > 0, "the kill did not land mid-campaign"
        assert recorded <= set(at_kill), "recorded as sent but never accepted"

        sender.start()
        await eventually(
            lambda: count_pending(db),
            lambda n: n == 0,
            timeout=max(120, RECIPIENTS / 20),
            what="campaign finished",
        )
        final = sink.snapshot()
        duplicates = sum(final.values()) - len(final)
        print(
            f"\n{RECIPIENTS} recipients in {time.monotonic() - started:.1f} s; killed after "
            f"{sum(at_kill.values())} accepted, {len(recorded)} recorded; in flight {in_flight}; "
            f"duplicates {duplicates}"
        )
        assert len(await sent_ids(db)) == RECIPIENTS
        assert len(final) == RECIPIENTS and "?" not in final
        assert duplicates <= in_flight
        await outcome_events_consumed(db, infra.kafka, topics)
    finally:
        sender.stop()
        workers["newsletter"].start()


async def _total(sink: CountingSink) -> int:
    return sum(sink.snapshot().values())
