"""Events' worker: the contact replica (with erasure), reminders, the outbox relay."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from events.feedback.handlers import subscribe_feedback
from events.feedback.service import feedback_loop
from events.registration.reminders import reminder_loop
from events.replica import subscribe_contact_replica
from events.settings import EventsSettings
from events.tables import outbox
from events.unit_of_work import unit_of_work
from shared.events.topics import (
    EVENT_FEEDBACK_REQUESTS,
    EVENT_NEWSLETTER_SIGNUPS,
    EVENT_REGISTRATIONS,
    EVENTS,
    MAIL_REQUESTED,
    STAFF_AUDIT,
)
from shared.kafka import make_broker
from shared.subscriptions import declare_publishers
from shared.worker import run_service_worker


def build_broker(settings: EventsSettings, engine: AsyncEngine) -> KafkaBroker:
    broker = make_broker(settings)
    subscribe_contact_replica(broker, settings=settings, engine=engine)
    subscribe_feedback(broker, settings=settings, engine=engine)
    declare_publishers(
        broker,
        settings,
        [
            (EVENTS, "Published events (compacted, key = event id)."),
            (EVENT_REGISTRATIONS, "Registrations, waiting list, cancellations, attendance."),
            (MAIL_REQUESTED, "Registration confirmations, waiting list and cancellation mails."),
            (STAFF_AUDIT, "Staff actions taken in events."),
            (EVENT_FEEDBACK_REQUESTS, "After an event: each attendee's feedback survey request."),
            (
                EVENT_NEWSLETTER_SIGNUPS,
                "A registrant ticked 'also subscribe to the newsletter': contacts' double opt-in.",
            ),
        ],
    )
    return broker


async def run(settings: EventsSettings) -> None:
    await run_service_worker(
        settings,
        outbox=outbox,
        build_broker=build_broker,
        loops=lambda engine: [
            reminder_loop(lambda: unit_of_work(engine), settings),
            feedback_loop(lambda: unit_of_work(engine), settings),
        ],
    )
