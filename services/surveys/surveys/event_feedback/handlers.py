"""Surveys' subscriber of events.feedback_requested.v1: an attendee's feedback invitation."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.envelope import CloudEvent
from shared.events.events import FeedbackRequestedV1
from shared.events.topics import EVENT_FEEDBACK_REQUESTS
from shared.subscriptions import subscribe_events
from surveys.campaigns.service import Links
from surveys.event_feedback.service import invite_attendee
from surveys.settings import SurveysSettings
from surveys.tables import inbox
from surveys.unit_of_work import ConsumerUnitOfWork, SurveysUnitOfWork


def subscribe_feedback_requests(
    broker: KafkaBroker, *, settings: SurveysSettings, engine: AsyncEngine
) -> None:
    links = Links(keys=settings.token_keys(), base_url=settings.public_base_url)

    async def handle(uow: SurveysUnitOfWork, event: CloudEvent) -> None:
        await invite_attendee(
            uow,
            request=event.parse(FeedbackRequestedV1),
            links=links,
            days=settings.event_feedback_days,
        )

    subscribe_events(
        broker,
        settings=settings,
        engine=engine,
        topic=EVENT_FEEDBACK_REQUESTS,
        purpose="event-feedback",
        unit_of_work=ConsumerUnitOfWork,
        handler=handle,
        inbox=inbox,
        description="Attendees of ended events: a personal invitation to the feedback survey.",
    )
