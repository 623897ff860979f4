"""`mail.requested.v1`: transactional mail from any service becomes one delivery row."""

from __future__ import annotations

import asyncio
from functools import partial

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.mail.templates import MailTemplates
from newsletter.requests.service import accept_mail_request
from newsletter.settings import NewsletterSettings
from newsletter.tables import inbox
from newsletter.unit_of_work import JoinedUnitOfWork
from shared.events.envelope import CloudEvent
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.subscriptions import subscribe_events


def subscribe_mail_requests(
    broker: KafkaBroker,
    *,
    settings: NewsletterSettings,
    engine: AsyncEngine,
    wake: asyncio.Event | None = None,
) -> None:
    templates = MailTemplates(base_url=settings.public_base_url)

    key = settings.suppression_secret()

    async def handle(uow: JoinedUnitOfWork, event: CloudEvent) -> None:
        # Joined to the record's transaction (with its inbox row); newsletter's edge enters
        # its unit of work, the use case commits it.
        async with uow:
            await accept_mail_request(
                uow, event.parse(MailRequestedV1), templates=templates, suppression_key=key
            )

    subscribe_events(
        broker,
        settings=settings,
        engine=engine,
        topic=MAIL_REQUESTED,
        purpose="mail-requests",
        unit_of_work=partial(JoinedUnitOfWork, suppression_key=key),
        handler=handle,
        inbox=inbox,
        description="Transactional mail requests; one delivery per idempotency key.",
        # Committed: this process's delivery loop need not wait for its next poll.
        after=wake.set if wake is not None else None,
    )
