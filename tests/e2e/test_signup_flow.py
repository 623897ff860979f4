"""Signup end to end: the form, the outbox, Kafka, the confirmation link, both replicas.

The databases are not emptied here (the workers are running): every test uses new addresses.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.e2e.test_contact_replication import REPLICAS, replica_row
from tests.integration.test_contacts_signup_pages import answers, make_client, path_of
from tests.support.infra import Infra
from tests.support.polling import eventually
from tests.support.seeds import reseed


async def mail_request_on_kafka(
    infra: Infra, topics: str, contact_id: str, *, timeout: float = 30.0
) -> dict[str, Any]:
    """The mail.requested.v1 record for the person, read from the broker itself."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=infra.kafka, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        topic = f"{topics}mail.requested.v1"
        consumer.assign([TopicPartition(topic, p) for p in range(6)])
        await consumer.seek_to_beginning()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    if record.key == contact_id.encode() and record.value:
                        headers = {k: v.decode() for k, v in record.headers}
                        return {"headers": headers, "data": json.loads(record.value)}
        raise AssertionError(f"no mail.requested.v1 record for {contact_id}")
    finally:
        await consumer.stop()


async def contact_id_of(engine: AsyncEngine, email: str) -> str:
    from sqlalchemy import text

    async def probe() -> Any:
        async with engine.connect() as conn:
            return (
                await conn.execute(text("SELECT id FROM people WHERE email = :e"), {"e": email})
            ).scalar()

    return str(await eventually(probe, lambda v: v is not None, what="person stored"))


async def test_confirmed_signup_reaches_both_replicas_subscribed_with_consent(
    workers: Workers, infra: Infra, topics: str, engines: dict[str, AsyncEngine]
) -> None:
    await reseed(engines["contacts"])
    email = f"aino.{uuid.uuid4().hex[:6]}@kirjasto.example"
    async with make_client() as client:
        sent = await client.post("/join", data=answers(email))
        assert sent.status_code == 200
        contact_id = await contact_id_of(engines["contacts"], email)

        # Before the click: replicas know the person only as pending, without consent.
        for service in REPLICAS:
            row = await eventually(
                lambda s=service: replica_row(engines[s], contact_id),
                lambda r: r is not None,
                what=f"{service} replica has the pending person",
            )
            assert row is not None
            assert (row["subscription_state"], row["newsletter_consent"]) == ("pending", False)

        mail = await mail_request_on_kafka(infra, topics, contact_id)
        assert mail["headers"]["ce_type"] == "fi.digituki.mail.requested.v1"
        assert mail["data"]["template_key"] == "signup_confirmation"
        assert mail["data"]["to_email"] == email
        confirm_url = mail["data"]["variables"]["confirm_url"]
        assert confirm_url.startswith("http")

        confirmed = await client.post(path_of(confirm_url))
        assert confirmed.status_code == 200

    for service in REPLICAS:
        row = await eventually(
            lambda s=service: replica_row(engines[s], contact_id),
            lambda r: r is not None and r["subscription_state"] == "subscribed",
            what=f"{service} replica has the confirmed subscription",
        )
        assert row is not None
        assert (row["newsletter_consent"], row["survey_consent"]) == (True, True)
        assert row["confirmed_at"] is not None
        assert row["municipality"] == "179" and row["region"] == "13"
        assert sorted(row["topics"]) == ["digiturvallisuus", "webinaarit"]
        assert row["membership_state"] == "pending"


async def test_unconfirmed_signup_is_never_subscribed_in_a_replica(
    workers: Workers, infra: Infra, topics: str, engines: dict[str, AsyncEngine]
) -> None:
    await reseed(engines["contacts"])
    email = f"waits.{uuid.uuid4().hex[:6]}@example.fi"
    async with make_client() as client:
        await client.post("/join", data=answers(email))
        await client.post("/join", data=answers(email))  # twice: still only pending
    contact_id = await contact_id_of(engines["contacts"], email)
    await mail_request_on_kafka(infra, topics, contact_id)  # the relay has published by now
    await asyncio.sleep(1.0)
    for service in REPLICAS:
        row = await eventually(
            lambda s=service: replica_row(engines[s], contact_id),
            lambda r: r is not None,
            what=f"{service} replica has the person",
        )
        assert row is not None
        assert row["subscription_state"] == "pending"
        assert (row["newsletter_consent"], row["survey_consent"]) == (False, False)


async def test_one_click_unsubscribe_reaches_both_replicas(
    workers: Workers, infra: Infra, topics: str, engines: dict[str, AsyncEngine]
) -> None:
    from contacts.settings import ContactsSettings

    from shared.tokens import sign

    await reseed(engines["contacts"])
    email = f"bye.{uuid.uuid4().hex[:6]}@example.fi"
    async with make_client() as client:
        await client.post("/join", data=answers(email))
        contact_id = await contact_id_of(engines["contacts"], email)
        mail = await mail_request_on_kafka(infra, topics, contact_id)
        await client.post(path_of(mail["data"]["variables"]["confirm_url"]))
        token = sign(ContactsSettings().token_keys(), "unsubscribe", {"c": contact_id})
        response = await client.post(
            f"/unsubscribe/{token}",
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 200
    for service in REPLICAS:
        await eventually(
            lambda s=service: replica_row(engines[s], contact_id),
            lambda r: (
                r is not None
                and r["subscription_state"] == "unsubscribed"
                and r["newsletter_consent"] is False
            ),
            what=f"{service} replica has the unsubscription",
        )
