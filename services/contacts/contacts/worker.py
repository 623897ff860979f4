"""Contacts' worker: the outbox relay, and the broker that documents what flows."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.activity import handlers as activity_handlers
from contacts.assessments import handlers as assessment_handlers
from contacts.audit import handlers as audit_handlers
from contacts.dashboard.service import refresh_loop
from contacts.impact.service import refresh_loop as impact_loop
from contacts.jobs.service.jobs import JobSettings, runner_loop
from contacts.onboarding.service.onboarding import OnboardingSettings, reminder_loop
from contacts.participation import handlers as participation_handlers
from contacts.retention.service import run_retention
from contacts.settings import ContactsSettings
from contacts.signup import handlers as signup_handlers
from contacts.tables import outbox
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.db import make_engine
from shared.events.topics import CONTACT_EVENTS, CONTACT_SNAPSHOTS, MAIL_REQUESTED, SEGMENTS
from shared.kafka import make_broker
from shared.outbox.relay import RelayConfig, relay_loop
from shared.retention import retention_loop
from shared.subscriptions import declare_publishers
from shared.worker import run_worker


def build_broker(settings: ContactsSettings, engine: AsyncEngine) -> KafkaBroker:
    broker = make_broker(settings)
    declare_publishers(
        broker,
        settings,
        [
            (CONTACT_SNAPSHOTS, "Person snapshots; a tombstone erases."),
            (SEGMENTS, "Segment definitions."),
            (CONTACT_EVENTS, "Domain events about people."),
            (MAIL_REQUESTED, "Transactional mail requests."),
        ],
    )
    activity_handlers.subscribe(broker, settings=settings, engine=engine)
    assessment_handlers.subscribe(broker, settings=settings, engine=engine)
    audit_handlers.subscribe(broker, settings=settings, engine=engine)
    signup_handlers.subscribe(broker, settings=settings, engine=engine)
    participation_handlers.subscribe(broker, settings=settings, engine=engine)
    return broker


async def run(settings: ContactsSettings) -> None:
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    broker = build_broker(settings, engine)
    relay = relay_loop(
        engine,
        outbox,
        RelayConfig(
            service="contacts",
            database_url=settings.database_url,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic_prefix=settings.kafka_topic_prefix,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
        ),
    )
    try:
        await run_worker(
            settings,
            broker,
            [
                relay,
                reminder_loop(engine, OnboardingSettings()),
                runner_loop(lambda: SqlContactsUnitOfWork(engine), JobSettings()),
                retention_loop(engine, settings, run_retention),
                refresh_loop(engine),
                impact_loop(engine),
            ],
        )
    finally:
        await engine.dispose()
