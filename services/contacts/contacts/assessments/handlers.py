"""Contacts' subscriber of `surveys.assessment.v1` (its inbox makes each result count once; the
use case works through contacts' unit of work joined to the consumer's transaction)."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.assessments import service
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.settings import ContactsSettings
from contacts.tables import inbox
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import CloudEvent
from shared.events.surveys import AssessmentResultV1
from shared.events.topics import SURVEY_ASSESSMENTS
from shared.subscriptions import subscribe_events


def subscribe(broker: KafkaBroker, *, settings: ContactsSettings, engine: AsyncEngine) -> None:
    async def on_result(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        await service.apply_result(uow, event.parse(AssessmentResultV1))

    subscribe_events(
        broker,
        settings=settings,
        engine=engine,
        topic=SURVEY_ASSESSMENTS,
        purpose="assessment-results",
        unit_of_work=JoinedContactsUnitOfWork,
        handler=on_result,
        inbox=inbox,
        description="Identified self-assessment results enter the person's timeline.",
    )
