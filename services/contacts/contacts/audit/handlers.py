"""Audit's Kafka subscriber: staff actions of every service, stored in the audit log (through
contacts' unit of work joined to the consumer's transaction, with its inbox row)."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit import service
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.settings import ContactsSettings
from contacts.tables import inbox
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.audit import StaffActionV1
from shared.events.envelope import CloudEvent
from shared.events.topics import STAFF_AUDIT
from shared.subscriptions import subscribe_events


def subscribe(broker: KafkaBroker, *, settings: ContactsSettings, engine: AsyncEngine) -> None:
    async def on_staff_action(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        await service.store_staff_action(uow, event.parse(StaffActionV1))

    subscribe_events(
        broker,
        settings=settings,
        engine=engine,
        topic=STAFF_AUDIT,
        purpose="staff-audit",
        unit_of_work=JoinedContactsUnitOfWork,
        handler=on_staff_action,
        inbox=inbox,
        description="Staff actions of every service, stored in the audit log.",
    )
