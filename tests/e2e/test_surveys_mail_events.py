"""mail.events.v1 in the surveys worker: invitations become delivered or bounced, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.envelope import CloudEvent, new_event
from shared.events.mail import MailEventV1
from tests.conftest import truncate_all
from tests.e2e.conftest import Workers
from tests.integration.test_surveys_staff_pages import seed_campaign
from tests.support.infra import Infra
from tests.support.polling import eventually

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def mail_event(invitation_id: uuid.UUID, outcome: str, at: datetime, **kw: Any) -> CloudEvent:
    data = MailEventV1(
        delivery_id=uuid.uuid4(),
        outcome=outcome,  # type: ignore[arg-type]
        occurred_at=at,
        origin=kw.pop("origin", "survey_invitation"),
        origin_id=str(invitation_id),
        **kw,
    )
    return new_event(source="/digituki/newsletter", data=data, subject=str(data.delivery_id))


async def status_of(engine: AsyncEngine, invitation_id: uuid.UUID) -> tuple[Any, Any]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT mail_status, mail_status_at FROM invitations WHERE id = :id"),
                {"id": invitation_id},
            )
        ).one()
    return row.mail_status, row.mail_status_at


async def test_bounce_marks_invitation_and_a_redelivery_changes_nothing(
    workers: Workers, infra: Infra, topics: str, engines: dict[str, AsyncEngine]
) -> None:
    engine = engines["surveys"]
    await truncate_all(engine)
    seeded = await seed_campaign(engine)
    first, other = seeded["invitations"][:2]
    bounced = mail_event(first, "bounced_hard", T0, detail="550 no such user")
    reminder_delivered = mail_event(first, "sent", T0 + timedelta(days=7))
    not_ours = mail_event(other, "bounced_hard", T0 + timedelta(days=9), origin="campaign")
    sentinel = mail_event(other, "sent", T0 + timedelta(days=8))

    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()

    async def send(event: CloudEvent) -> None:
        # One key: one partition, so the worker sees the events in this order.
        await producer.send_and_wait(
            f"{topics}mail.events.v1",
            value=event.value_bytes(),
            key=b"same-partition",
            headers=event.to_headers(),
        )

    try:
        await send(bounced)
        status, at = await eventually(
            lambda: status_of(engine, first), lambda s: s[0] is not None, what="bounce applied"
        )
        assert (status, at) == ("bounced", T0)
        await send(reminder_delivered)
        await eventually(
            lambda: status_of(engine, first),
            lambda s: s[0] == "delivered",
            what="a later delivery applied",
        )
        for event in (bounced, not_ours, sentinel):  # the bounce is delivered again
            await send(event)
        await eventually(
            lambda: status_of(engine, other), lambda s: s[0] is not None, what="the sentinel"
        )
    finally:
        await producer.stop()

    assert await status_of(engine, first) == ("delivered", T0 + timedelta(days=7))
    assert await status_of(engine, other) == ("delivered", T0 + timedelta(days=8))
    async with engine.connect() as conn:
        claimed = (
            await conn.execute(
                text("SELECT count(*) FROM inbox WHERE event_id = :id"), {"id": bounced.id}
            )
        ).scalar_one()
    assert claimed == 1  # the redelivery was recognised, not applied again
