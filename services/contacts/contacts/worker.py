"""Contacts' worker: the outbox relay, and the broker that documents what flows."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.activity import handlers as activity_handlers
from contacts.assessments import handlers as assessment_handlers
from contacts.audit import handlers as audit_handlers
from contacts.cli_retention import run_retention_on
from contacts.dashboard.service import refresh_loop
from contacts.impact.service import refresh_loop as impact_loop
from contacts.jobs.service.jobs import JobSettings, runner_loop
from contacts.onboarding.service.onboarding import OnboardingSettings, reminder_loop
from contacts.participation import handlers as participation_handlers
from contacts.settings import ContactsSettings
from contacts.signup import handlers as signup_handlers
from contacts.tables import outbox
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.events.topics import CONTACT_EVENTS, CONTACT_SNAPSHOTS, MAIL_REQUESTED, SEGMENTS
from shared.kafka import make_broker
from shared.retention import retention_loop
from shared.subscriptions import declare_publishers
from shared.worker import run_service_worker


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
    await run_service_worker(
        settings,
        outbox=outbox,
        build_broker=build_broker,
        loops=lambda engine: [
            reminder_loop(lambda: SqlContactsUnitOfWork(engine), OnboardingSettings()),
            runner_loop(lambda: SqlContactsUnitOfWork(engine), JobSettings()),
            retention_loop(engine, settings, run_retention_on),
            refresh_loop(lambda: SqlContactsUnitOfWork(engine)),
            impact_loop(lambda: SqlContactsUnitOfWork(engine)),
        ],
    )
