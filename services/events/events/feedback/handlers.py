"""Events' subscribers of surveys' compacted topics: the surveys staff may choose
(surveys.survey.v1) and each event's feedback counts (surveys.event_feedback.v1), both
version-guarded upserts into small replicas.

Pure wiring: the shared batch consumer (`subscribe_batches`) owns the transaction (its inbox,
the batch, the one-by-one retry of a failing batch) and hands its connection over; the rules
are `service.apply_surveys` / `service.apply_counts` on the `FeedbackReplica` of that
connection, unit-tested on a fake replica.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from events.feedback.repository import SqlFeedbackReplica
from events.feedback.service import apply_counts, apply_surveys
from events.settings import EventsSettings
from shared.events.envelope import CloudEvent
from shared.events.topics import EVENT_FEEDBACK, SURVEYS
from shared.subscriptions import subscribe_batches


async def _surveys(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    await apply_surveys(SqlFeedbackReplica(conn), events)


async def _counts(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    await apply_counts(SqlFeedbackReplica(conn), events)


def subscribe_feedback(
    broker: KafkaBroker, *, settings: EventsSettings, engine: AsyncEngine
) -> None:
    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=SURVEYS,
        purpose="survey-replica",
        apply_batch=_surveys,
        description="Surveys by title: the feedback survey staff choose for an event.",
    )
    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=EVENT_FEEDBACK,
        purpose="feedback-status",
        apply_batch=_counts,
        description="Each event's feedback survey: invited and answered counts.",
    )
