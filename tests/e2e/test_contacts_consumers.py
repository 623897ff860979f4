"""Contacts' consumers and segment publishing, through the real worker process and broker."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.audit import StaffActionV1
from shared.events.envelope import CloudEvent, new_event
from shared.events.mail import MailEventV1
from tests.e2e.conftest import STAFF_HEADERS, Workers
from tests.support.infra import Infra
from tests.support.kafka_topics import read_topic
from tests.support.polling import eventually
from tests.support.processes import wait_for_group, wait_until_consumed


async def send(infra: Infra, topic: str, key: str, event: CloudEvent, times: int = 1) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        for _ in range(times):
            await producer.send_and_wait(
                topic, value=event.value_bytes(), key=key.encode(), headers=event.to_headers()
            )
    finally:
        await producer.stop()


async def projection(engine: AsyncEngine, contact_id: str) -> dict[str, Any] | None:
    async with engine.connect() as conn:
        row = (
            (
                await conn.execute(
                    text("SELECT * FROM contact_snapshot WHERE contact_id = :id"),
                    {"id": contact_id},
                )
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


async def test_hard_bounce_marks_the_address_undeliverable_once(
    workers: Workers,
    infra: Infra,
    topics: str,
    contacts_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    created = await contacts_api.post(
        "/api/contacts/people", json={"email": f"b-{uuid.uuid4().hex[:6]}@bounce.example"}
    )
    assert created.status_code == 201, created.text
    person = created.json()
    group = f"{topics}contacts.mail-events"
    await wait_for_group(infra.kafka, group)
    bounce = new_event(
        source="/tests",
        data=MailEventV1(
            delivery_id=uuid.uuid4(),
            outcome="bounced_hard",
            occurred_at=datetime.now(UTC),
            origin="campaign",
            contact_id=uuid.UUID(person["id"]),
            detail="550 5.1.1 no such user",
        ),
    )
    await send(infra, f"{topics}mail.events.v1", person["id"], bounce)
    row = await eventually(
        lambda: projection(clean_db["contacts"], person["id"]),
        lambda r: r is not None and r["email_status"] == "bounced",
        what="contacts' projection shows the bounce",
    )
    assert row is not None
    version = row["version"]
    assert version == person["version"] + 1

    # The same event delivered again (a redelivery after a crash) changes nothing.
    await send(infra, f"{topics}mail.events.v1", person["id"], bounce, times=2)
    await wait_until_consumed(infra.kafka, group, f"{topics}mail.events.v1")
    again = await projection(clean_db["contacts"], person["id"])
    assert again is not None and again["version"] == version
    timeline = await contacts_api.get(f"/api/contacts/people/{person['id']}/timeline")
    assert timeline.status_code == 200
    assert str(timeline.json()).count("email_bounced") == 1
    for service in ("newsletter", "surveys"):
        await eventually(
            lambda s=service: projection(clean_db[s], person["id"]),
            lambda r: r is not None and r["email_status"] == "bounced",
            what=f"{service} replica sees the bounce",
        )


async def test_staff_action_from_another_service_appears_in_the_audit_log(
    workers: Workers,
    infra: Infra,
    topics: str,
    contacts_api: httpx.AsyncClient,
) -> None:
    marker = f"campaign-{uuid.uuid4().hex[:8]}"
    action = new_event(
        source="/tests",
        data=StaffActionV1(
            service="newsletter",
            actor_id="staff-n",
            actor_role="editor",
            action="campaign.scheduled",
            target_type="campaign",
            target_id=marker,
            occurred_at=datetime.now(UTC),
        ),
    )
    await send(infra, f"{topics}staff.audit.v1", marker, action, times=2)

    async def entries() -> Any:
        response = await contacts_api.get(
            "/api/contacts/audit", params={"service": "newsletter", "action": "campaign."}
        )
        return [e for e in response.json()["items"] if e["target_id"] == marker]

    found = await eventually(entries, lambda e: len(e) >= 1, what="audit entry stored")
    await wait_until_consumed(
        infra.kafka, f"{topics}contacts.staff-audit", f"{topics}staff.audit.v1"
    )
    assert len(await entries()) == 1  # the duplicate delivery was not stored twice
    assert found[0]["actor_id"] == "staff-n"
    page = await contacts_api.get("/staff/audit", params={"actor": "staff-n"})
    assert page.status_code == 200
    assert marker in page.text


async def test_segment_change_is_published_on_the_segment_topic(
    workers: Workers, infra: Infra, topics: str, contacts_api: httpx.AsyncClient
) -> None:
    rule = {"field": "language", "op": "eq", "value": "sv"}
    created = await contacts_api.post(
        "/api/contacts/segments", json={"name": "Svenska", "rule": rule}, headers=STAFF_HEADERS
    )
    assert created.status_code == 201, created.text
    segment_id = created.json()["id"]
    await contacts_api.patch(f"/api/contacts/segments/{segment_id}", json={"name": "På svenska"})

    async def published() -> list[Any]:
        records = await read_topic(infra.kafka, f"{topics}contacts.segment.v1")
        return [v for h, v in records if h.get("ce_subject") == segment_id]

    values = await eventually(published, lambda v: len(v) == 2, what="segment on the topic")
    assert [v["version"] for v in values] == [1, 2]
    assert values[-1]["name"] == "På svenska"
    assert values[-1]["rule"] == rule
