"""Inbound bounces on real PostgreSQL and SMTP: a DSN suppresses its recipient for good."""

from __future__ import annotations

import asyncio
import json
import mailbox
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from newsletter.bounces.inbound import BounceIntake, serve_smtp
from newsletter.campaigns.service import send_now
from newsletter.delivery.worker import DeliveryWorker
from newsletter.settings import NewsletterSettings
from newsletter.suppression import repository as suppressions
from newsletter.suppression.domain import email_hmac
from newsletter.tables import deliveries
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_newsletter_delivery import STAFF, add_people, new_campaign, person
from tests.support.dsn import exchange_dsn, postfix_dsn
from tests.support.polling import eventually


async def mail_events(engine: AsyncEngine, delivery_id: uuid.UUID) -> list[str]:
    async with engine.connect() as conn:
        payloads = (
            await conn.execute(
                text("SELECT payload FROM outbox WHERE topic = 'mail.events.v1' ORDER BY id")
            )
        ).scalars()
        events = [json.loads(p) for p in payloads]
    return [e["outcome"] for e in events if e["delivery_id"] == str(delivery_id)]


async def delivery(engine: AsyncEngine, delivery_id: uuid.UUID) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(select(deliveries).where(deliveries.c.id == delivery_id))).one()


async def sent_campaign(engine: AsyncEngine, people: list[dict[str, Any]]) -> dict[str, Any]:
    """A campaign really sent to `people` (mail catcher): {email: delivery row}."""
    await add_people(engine, people)
    settings = NewsletterSettings()
    campaign = await new_campaign(engine)
    async with SqlUnitOfWork(engine, settings.suppression_secret()) as uow:
        await send_now(uow, staff=STAFF, campaign_id=campaign, settings=settings)
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(engine, settings).run(stop))
    try:
        done = await eventually(
            lambda: rows_of(engine, campaign),
            lambda rows: all(r.status == "sent" for r in rows),
            timeout=60,
            what="the campaign sent",
        )
    finally:
        stop.set()
        await task
    return {r.to_email: r for r in done}


async def rows_of(engine: AsyncEngine, campaign: uuid.UUID) -> list[Any]:
    async with engine.connect() as conn:
        stmt = select(deliveries).where(deliveries.c.campaign_id == campaign)
        return list((await conn.execute(stmt)).all())


def run_cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "newsletter.main", *args],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


async def test_a_postfix_dsn_suppresses_its_recipient_once_and_the_next_audience_skips_them(
    db: AsyncEngine, tmp_path: Path
) -> None:
    settings = NewsletterSettings()
    tag = uuid.uuid4().hex[:6]
    gone, stays = f"gone-{tag}@example.fi", f"stays-{tag}@example.fi"
    sent = await sent_campaign(db, [person(email=gone), person(email=stays)])
    bounced = sent[gone]
    dsn = tmp_path / "dsn.eml"
    dsn.write_bytes(postfix_dsn(bounced.id, gone, mail_domain=settings.mail_domain))

    assert "bounced: 1" in run_cli("bounces", "--file", str(dsn))
    assert "duplicate: 1" in run_cli("bounces", "--file", str(dsn))  # a repeat changes nothing

    row = await delivery(db, bounced.id)
    assert row.status == "bounced" and "User unknown" in row.last_error
    assert (await delivery(db, sent[stays].id)).status == "sent"
    assert await mail_events(db, bounced.id) == ["sent", "bounced_hard"]
    async with db.connect() as conn:
        key = settings.suppression_secret()
        assert await suppressions.is_suppressed(conn, email_hmac(key, gone))
        assert not await suppressions.is_suppressed(conn, email_hmac(key, stays))

    following = await new_campaign(db, name="Seuraava")
    async with SqlUnitOfWork(db, settings.suppression_secret()) as uow:
        await send_now(uow, staff=STAFF, campaign_id=following, settings=settings)
    assert {r.to_email for r in await rows_of(db, following)} == {stays}


async def test_a_delay_notice_from_a_maildir_is_a_deferred_event_only(
    db: AsyncEngine, tmp_path: Path
) -> None:
    settings = NewsletterSettings()
    email = f"slow-{uuid.uuid4().hex[:6]}@example.fi"
    sent = await sent_campaign(db, [person(email=email)])
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(
        postfix_dsn(
            sent[email].id,
            email,
            mail_domain=settings.mail_domain,
            status="4.4.1",
            action="delayed",
        )
    )
    assert "deferred: 1" in run_cli("bounces", "--maildir", str(tmp_path / "bounces"))
    assert len(box) == 0  # processed mail leaves the folder
    assert (await delivery(db, sent[email].id)).status == "sent"
    assert await mail_events(db, sent[email].id) == ["sent", "deferred"]
    async with db.connect() as conn:
        hashed = email_hmac(settings.suppression_secret(), email)
        assert not await suppressions.is_suppressed(conn, hashed)


async def test_the_bounce_smtp_listener_takes_an_ndr_for_a_verp_address(db: AsyncEngine) -> None:
    settings = NewsletterSettings()
    email = f"ndr-{uuid.uuid4().hex[:6]}@example.fi"
    sent = await sent_campaign(db, [person(email=email)])
    delivery_id = sent[email].id
    port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve_smtp(BounceIntake(db, settings), "127.0.0.1", port, stop))
    try:
        verp = f"bounces+{delivery_id.hex}@{settings.mail_domain}"
        # The Exchange-shaped NDR carries a foreign Message-ID domain: only the envelope counts.
        ndr = exchange_dsn(uuid.uuid4(), email, mail_domain="elsewhere.example")
        await eventually(lambda: can_connect(port), bool, what="bounce listener up")
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as smtp:
            await smtp.mail("")  # DSNs come with the null sender, MAIL FROM:<>
            with pytest.raises(aiosmtplib.SMTPRecipientRefused):
                await smtp.rcpt(f"someone@{settings.mail_domain}")
            await smtp.rcpt(verp)
            response = await smtp.data(ndr)
        assert "bounced" in response.message
    finally:
        stop.set()
        await server
    row = await delivery(db, delivery_id)
    assert row.status == "bounced" and "RecipientNotFound" in row.last_error
    assert await mail_events(db, delivery_id) == ["sent", "bounced_hard"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def can_connect(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True
