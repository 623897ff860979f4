"""Newsletter's worker: the contact replica, mail requests, delivery, the outbox relay."""

from __future__ import annotations

import asyncio

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.campaigns import segments
from newsletter.campaigns.scheduler import scheduler_loop
from newsletter.delivery.worker import delivery_loop
from newsletter.erasure import handlers as erasure
from newsletter.event_cards import handlers as event_cards
from newsletter.requests.handlers import subscribe_mail_requests
from newsletter.retention.job import run_retention
from newsletter.settings import NewsletterSettings
from newsletter.tables import contact_snapshot, outbox
from shared.events.topics import MAIL_EVENTS, MATERIALS, STAFF_AUDIT
from shared.kafka import make_broker
from shared.replica import subscribe_contact_replica
from shared.retention import retention_loop
from shared.subscriptions import declare_publishers
from shared.worker import Loop, run_service_worker


def build_broker(
    settings: NewsletterSettings, engine: AsyncEngine, wake: asyncio.Event | None = None
) -> KafkaBroker:
    broker = make_broker(settings)
    subscribe_contact_replica(
        broker,
        settings=settings,
        engine=engine,
        table=contact_snapshot,
        unit_of_work=erasure.joined(settings),
        after_apply=erasure.on_removals,
        description="Replica of contact snapshots; tombstones erase the person and "
        "anonymise their deliveries and tracking events, or (merge) re-point them.",
    )
    subscribe_mail_requests(broker, settings=settings, engine=engine, wake=wake)
    segments.replica.subscribe(
        broker,
        settings=settings,
        engine=engine,
        description="Replica of segment definitions for campaign audiences.",
    )
    event_cards.subscribe(broker, settings=settings, engine=engine)
    declare_publishers(
        broker,
        settings,
        [
            (MAIL_EVENTS, "Delivery outcomes of every mail."),
            (STAFF_AUDIT, "Staff actions taken in newsletter."),
            (MATERIALS, "The programme's materials (compacted, key = material id)."),
        ],
    )
    return broker


async def run(settings: NewsletterSettings) -> None:
    wake = asyncio.Event()  # the mail request handler wakes the delivery loop

    def loops(engine: AsyncEngine) -> list[Loop]:
        found = [scheduler_loop(engine, settings), retention_loop(engine, settings, run_retention)]
        if settings.sender_enabled:
            found.append(delivery_loop(engine, settings, wake))
        return found

    await run_service_worker(
        settings,
        outbox=outbox,
        build_broker=lambda settings, engine: build_broker(settings, engine, wake),
        loops=loops,
    )
