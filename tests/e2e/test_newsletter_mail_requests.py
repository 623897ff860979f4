"""Transactional mail over Kafka, end to end: request -> worker -> SMTP -> mail.events.v1."""

from __future__ import annotations

import json
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from tests.e2e.conftest import Workers
from tests.support.infra import Infra
from tests.support.mail_catcher import summaries_to
from tests.support.polling import eventually


async def mail_events(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(6)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        out: list[dict[str, Any]] = []
        while [p for p in parts if await consumer.position(p) < ends[p]]:
            for records in (await consumer.getmany(*parts, timeout_ms=500)).values():
                out.extend(json.loads(r.value) for r in records if r.value)
        return out
    finally:
        await consumer.stop()


async def test_a_requested_mail_arrives_once_and_a_5xx_address_is_reported_and_suppressed(
    workers: Workers, infra: Infra, topics: str, clean_db: dict[str, AsyncEngine]
) -> None:
    tag = uuid.uuid4().hex[:8]
    good, bad = f"aino-{tag}@example.fi", f"bounce-5xx-{tag}@example.fi"
    requests = [
        MailRequestedV1(
            idempotency_key=f"signup:{tag}",
            template_key="signup_confirmation",
            language="sv",
            to_email=good,
            to_name="Aino <script>",
            variables={"first_name": "<script>Aino</script>", "confirm_url": "https://x.fi/c/1"},
        ),
        MailRequestedV1(
            idempotency_key=f"reset:{tag}",
            template_key="password_reset",
            language="en",
            to_email=bad,
            variables={"reset_url": "https://x.fi/r/1"},
        ),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        for req in [*requests, requests[0]]:  # the first one twice: a redelivery
            event = new_event(source="/tests", data=req)
            await producer.send_and_wait(
                f"{topics}mail.requested.v1",
                value=event.value_bytes(),
                key=req.idempotency_key.encode(),
                headers=event.to_headers(),
            )
    finally:
        await producer.stop()

    events = await eventually(
        lambda: mail_events(infra.kafka, f"{topics}mail.events.v1"),
        lambda evs: {e.get("email") for e in evs} >= {good, bad},
        timeout=40,
        what="outcomes on mail.events.v1",
    )
    outcomes = {(e["email"], e["outcome"]) for e in events if e.get("email") in (good, bad)}
    assert outcomes == {(good, "sent"), (bad, "bounced_hard")}
    mails = await summaries_to(good)
    assert len(mails) == 1
    assert mails[0]["subject"] == "Bekräfta din prenumeration på Digistödets nyhetsbrev"
    assert await summaries_to(bad) == []

    # The bounced address is suppressed: a new request to it is never sent.
    from newsletter.settings import NewsletterSettings
    from newsletter.suppression import repository as suppressions
    from newsletter.suppression.domain import email_hmac

    async with clean_db["newsletter"].connect() as conn:
        key = NewsletterSettings().suppression_secret()
        assert await suppressions.is_suppressed(conn, email_hmac(key, bad))
