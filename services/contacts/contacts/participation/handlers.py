"""Contacts' subscribers of `events.event.v1` and `events.registration.v1`.

Each record is applied in its own transaction with an inbox row (shared/consuming.py), the use
case working through contacts' unit of work joined to that transaction, and the
effects are guarded besides (catalogue by version, steps by time), so duplicates and replays
count once; a record that cannot be decoded goes to the topic's dead letters.
"""

from __future__ import annotations

import uuid

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.participation import service
from contacts.settings import ContactsSettings
from contacts.tables import inbox
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import CloudEvent
from shared.events.events import EventPublishedV1, RegistrationChangedV1
from shared.events.topics import EVENT_REGISTRATIONS, EVENTS
from shared.subscriptions import subscribe_events


def subscribe(broker: KafkaBroker, *, settings: ContactsSettings, engine: AsyncEngine) -> None:
    async def on_event(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        if event.data is None:  # a tombstone: the event was withdrawn entirely
            if event.subject:
                await service.withdraw_event(uow, uuid.UUID(event.subject))
            return
        await service.apply_event(uow, event.parse(EventPublishedV1))

    async def on_registration(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        await service.apply_registration(uow, event.parse(RegistrationChangedV1))

    for topic, purpose, handler, what in (
        (
            EVENTS,
            "event-catalogue",
            on_event,
            "Published events (title, series, time, region) name registrations on timelines "
            "and count in the impact chain and on the dashboard.",
        ),
        (
            EVENT_REGISTRATIONS,
            "event-participation",
            on_registration,
            "Registrations, waiting-list places, cancellations and attendance reach the "
            "person's and the organisation's timeline, the snapshot's event fields and counts.",
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
