"""Activity's Kafka subscribers (mail outcomes, survey responses): parse, call a use case.

Every effect here is non-idempotent by itself (timeline rows), so each consumer
records the event id in contacts' inbox in the same transaction (shared/consuming.py): the use
case gets contacts' unit of work joined to that transaction.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.activity import service as consumed
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.settings import ContactsSettings
from contacts.tables import inbox
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import CloudEvent
from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1
from shared.events.topics import MAIL_EVENTS, SURVEY_RESPONSES
from shared.subscriptions import subscribe_events


def subscribe(broker: KafkaBroker, *, settings: ContactsSettings, engine: AsyncEngine) -> None:
    async def on_mail_event(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        await consumed.apply_mail_event(uow, event.parse(MailEventV1))

    async def on_survey_response(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        await consumed.apply_survey_response(uow, event.parse(ResponseSubmittedV1))

    for topic, purpose, handler, what in (
        (
            MAIL_EVENTS,
            "mail-events",
            on_mail_event,
            "Hard bounces and complaints mark the address undeliverable; opens, clicks and "
            "unsubscribes reach the person's record.",
        ),
        (
            SURVEY_RESPONSES,
            "survey-responses",
            on_survey_response,
            "Identified responses enter the person's timeline.",
        ),
    ):
        subscribe_events(
            broker,
            settings=settings,
            engine=engine,
            topic=topic,
            purpose=purpose,
            unit_of_work=JoinedContactsUnitOfWork,
            handler=handler,
            inbox=inbox,
            description=what,
        )
