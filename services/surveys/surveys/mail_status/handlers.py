"""Surveys' subscriber of mail.events.v1: invitations become delivered or bounced."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.consuming import Record
from shared.events.envelope import CloudEvent
from shared.events.mail import MailEventV1
from shared.events.topics import MAIL_EVENTS
from shared.subscriptions import subscribe_events
from surveys.mail_status.service import record_mail_outcome
from surveys.settings import SurveysSettings
from surveys.tables import inbox
from surveys.unit_of_work import ConsumerUnitOfWork, SurveysUnitOfWork

ORIGIN = "survey_invitation"


def may_be_ours(record: Record) -> bool:
    """Most mail events are newsletter campaigns': skip them before they cost an inbox row.
    Only a well-formed event of another origin is passed over; a record that cannot be read
    goes on to the consumer, and so to the DLQ (guessing from its bytes would skip it)."""
    try:
        event = CloudEvent.from_kafka(record.headers, record.value)
        return event.parse(MailEventV1).origin == ORIGIN
    except ValueError:
        return True


def subscribe_mail_events(
    broker: KafkaBroker, *, settings: SurveysSettings, engine: AsyncEngine
) -> None:
    async def handle(uow: SurveysUnitOfWork, event: CloudEvent) -> None:
        await record_mail_outcome(uow, event=event.parse(MailEventV1))

    subscribe_events(
        broker,
        settings=settings,
        engine=engine,
        topic=MAIL_EVENTS,
        purpose="mail-events",
        unit_of_work=ConsumerUnitOfWork,
        handler=handle,
        inbox=inbox,
        description="Delivery outcomes; survey invitations become delivered or bounced.",
        wanted=may_be_ours,
    )
