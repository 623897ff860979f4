"""The delivery worker with a production-like relay (aiosmtpd with STARTTLS and AUTH, a
certificate of the test's own CA): a wrong password stops the sending, not the recipients.
The campaign's and the transactional (mail.requested) mails are held: still pending, their
attempt not counted, no mail event, nobody suppressed, and the relay saw one login. With
the right password the same rows go out, over TLS and pipelined."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from newsletter.campaigns.service import send_now
from newsletter.delivery.worker import DeliveryWorker
from newsletter.settings import NewsletterSettings
from newsletter.suppression import repository as suppressions
from newsletter.suppression.domain import email_hmac
from newsletter.tables import deliveries
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_newsletter_delivery import (
    STAFF,
    accept,
    add_people,
    new_campaign,
    person,
    request,
    rows,
)
from tests.support.certs import make_authority, server_context
from tests.support.polling import eventually
from tests.support.smtp_relay import PASSWORD, USER, StartRelay, relays


@pytest.fixture
async def start_relay() -> AsyncIterator[StartRelay]:
    async with relays() as start:
        yield start


def relay_settings(port: int, ca_file: Path, password: str) -> NewsletterSettings:
    return NewsletterSettings(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_TLS="starttls",
        SMTP_CA_FILE=str(ca_file),
        SMTP_USERNAME=USER,
        SMTP_PASSWORD=password,
        smtp_connections=4,
        # Held rows come due after an hour here: no other worker takes them meanwhile.
        retry_base_s=3600,
        retry_max_s=3600,
    )


async def run_worker(
    db: AsyncEngine, settings: NewsletterSettings, until: Any, what: str
) -> list[Any]:
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(db, settings).run(stop))
    try:
        return await eventually(lambda: rows(db), until, what=what)
    finally:
        stop.set()
        await task


async def mail_event_count(db: AsyncEngine) -> int:
    async with db.connect() as conn:
        payloads = (
            await conn.execute(text("SELECT payload FROM outbox WHERE topic = 'mail.events.v1'"))
        ).scalars()
        return len([json.loads(p) for p in payloads])


async def test_a_wrong_password_holds_every_mail_and_the_right_one_sends_them(
    db: AsyncEngine, start_relay: StartRelay, tmp_path: Path
) -> None:
    authority = make_authority(tmp_path)
    relayd, port = await start_relay(starttls=server_context(authority, tmp_path))
    tag = uuid.uuid4().hex[:6]
    people = [person(email=f"p{n}-{tag}@example.fi") for n in range(3)]
    await add_people(db, people)
    campaign = await new_campaign(db)
    wrong = relay_settings(port, authority.pem_path, "not-the-password")
    async with SqlUnitOfWork(db, wrong.suppression_secret()) as uow:
        assert await send_now(uow, staff=STAFF, campaign_id=campaign, settings=wrong) == 3
    await accept(db, request(f"reset:{tag}", f"reset-{tag}@example.fi"))
    events_before = await mail_event_count(db)

    held = await run_worker(
        db,
        wrong,
        lambda found: len(found) == 4 and all(r.last_error for r in found),
        "every mail held",
    )

    assert {(r.status, r.attempts) for r in held} == {("pending", 0)}
    assert all("535" in r.last_error and "SMTP_PASSWORD" in r.last_error for r in held)
    assert "not-the-password" not in " ".join(r.last_error for r in held)
    assert relayd.auth_tries == 1 and relayd.mails == 0 and relayd.accepted == []
    assert await mail_event_count(db) == events_before  # nothing happened to anyone
    async with db.connect() as conn:
        for row in held:
            hashed = email_hmac(wrong.suppression_secret(), row.to_email)
            assert not await suppressions.is_suppressed(conn, hashed)

    # An hour later, the password fixed in the settings and the worker restarted.
    async with db.begin() as conn:
        await conn.execute(update(deliveries).values(next_attempt_at=func.now()))
    right = relay_settings(port, authority.pem_path, PASSWORD)
    sent = await run_worker(
        db,
        right,
        lambda found: {r.status for r in found} == {"sent"},
        "every mail sent",
    )

    assert {r.attempts for r in sent} == {1}  # the held try did not count
    assert sorted(relayd.accepted) == sorted(r.to_email for r in sent)
    assert relayd.pipelined and all(relayd.pipelined)  # over TLS, still in one write
    async with db.connect() as conn:
        outcomes = (
            await conn.execute(
                select(func.count()).select_from(deliveries).where(deliveries.c.status == "sent")
            )
        ).scalar_one()
    assert outcomes == 4
    assert await mail_event_count(db) == events_before + 4
