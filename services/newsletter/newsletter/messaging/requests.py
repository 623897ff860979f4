"""`mail.requested.v1`: transactional mail from any service becomes one delivery row."""

from __future__ import annotations

import asyncio
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.mail.templates import MailTemplates
from newsletter.persistence.tables import inbox
from newsletter.service.requests import accept_mail_request
from newsletter.settings import NewsletterSettings
from shared.consuming import Consumption, raw_body
from shared.dead_letters import BrokerDeadLetters
from shared.events.envelope import CloudEvent
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED


def subscribe_mail_requests(
    broker: KafkaBroker,
    *,
    settings: NewsletterSettings,
    engine: AsyncEngine,
    wake: asyncio.Event | None = None,
) -> None:
    consumer = settings.group("mail-requests")
    templates = MailTemplates(base_url=settings.public_base_url)

    async def handle(conn: AsyncConnection, event: CloudEvent) -> None:
        await accept_mail_request(
            conn,
            event.parse(MailRequestedV1),
            templates=templates,
            suppression_key=settings.suppression_secret(),
        )

    consumption = Consumption(
        consumer=consumer,
        engine=engine,
        handler=handle,
        dead_letters=BrokerDeadLetters(broker, consumer),
        inbox=inbox,
        retries=settings.consumer_retries,
        backoff_s=settings.consumer_backoff_s,
    )

    @broker.subscriber(
        settings.topic(MAIL_REQUESTED.name),
        group_id=consumer,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=max(500, settings.kafka_session_timeout_ms // 5),
        decoder=raw_body,
        title=f"{settings.service_name}:mail-requests",
        description="Transactional mail requests; one delivery per idempotency key.",
    )
    async def on_mail_requested(body: Any, msg: KafkaMessage) -> None:
        await consumption.one(msg.raw_message)  # type: ignore[arg-type]
        if wake is not None:
            wake.set()  # committed: this process's delivery loop need not wait for a poll
