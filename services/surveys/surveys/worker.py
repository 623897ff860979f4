"""Surveys' worker: the contact replica (with erasure), reminders, the outbox relay."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.events.audit import StaffActionV1
from shared.events.mail import MailRequestedV1
from shared.events.surveys import ResponseSubmittedV1
from shared.events.topics import MAIL_REQUESTED, STAFF_AUDIT, SURVEY_RESPONSES
from shared.kafka import make_broker
from shared.outbox.relay import RelayConfig, relay_loop
from shared.retention import retention_loop
from shared.worker import run_worker
from surveys import segments
from surveys.campaigns.reminders import reminder_loop
from surveys.mail_status.handlers import subscribe_mail_events
from surveys.replica import subscribe_contact_replica
from surveys.retention.service import run_retention
from surveys.settings import SurveysSettings
from surveys.tables import outbox


def build_broker(settings: SurveysSettings, engine: AsyncEngine) -> KafkaBroker:
    broker = make_broker(settings)
    subscribe_contact_replica(broker, settings=settings, engine=engine)
    subscribe_mail_events(broker, settings=settings, engine=engine)
    segments.replica.subscribe(
        broker,
        settings=settings,
        engine=engine,
        description="Replica of segment definitions for survey campaign audiences.",
    )
    for topic, schema, what in (
        (SURVEY_RESPONSES, ResponseSubmittedV1, "Submitted responses."),
        (MAIL_REQUESTED, MailRequestedV1, "Survey invitations and reminders."),
        (STAFF_AUDIT, StaffActionV1, "Staff actions taken in surveys."),
    ):
        broker.publisher(settings.topic(topic.name), schema=schema, description=what)
    return broker


async def run(settings: SurveysSettings) -> None:
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    broker = build_broker(settings, engine)
    relay = relay_loop(
        engine,
        outbox,
        RelayConfig(
            service=settings.service_name,
            database_url=settings.database_url,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic_prefix=settings.kafka_topic_prefix,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
        ),
    )
    try:
        loops = [
            relay,
            reminder_loop(engine, settings),
            retention_loop(engine, settings, run_retention),
        ]
        await run_worker(settings, broker, loops)
    finally:
        await engine.dispose()
