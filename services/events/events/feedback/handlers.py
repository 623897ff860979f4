"""Events' subscribers of surveys' compacted topics: the surveys staff may choose
(surveys.survey.v1) and each event's feedback counts (surveys.event_feedback.v1), both
version-guarded upserts into small replicas.

Pure wiring: the shared batch consumer (`subscribe_batches`) owns the transaction (its inbox,
the batch, the one-by-one retry of a failing batch) and hands the `FeedbackReplica` on that
transaction (`unit_of_work=SqlFeedbackReplica`) to the rules, `service.apply_surveys` /
`service.apply_counts`, unit-tested on a fake replica.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from events.feedback.repository import SqlFeedbackReplica
from events.feedback.service import apply_counts, apply_surveys
from events.settings import EventsSettings
from shared.events.topics import EVENT_FEEDBACK, SURVEYS
from shared.subscriptions import subscribe_batches


def subscribe_feedback(
    broker: KafkaBroker, *, settings: EventsSettings, engine: AsyncEngine
) -> None:
    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=SURVEYS,
        purpose="survey-replica",
        unit_of_work=SqlFeedbackReplica,
        apply_batch=apply_surveys,
        description="Surveys by title: the feedback survey staff choose for an event.",
    )
    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=EVENT_FEEDBACK,
        purpose="feedback-status",
        unit_of_work=SqlFeedbackReplica,
        apply_batch=apply_counts,
        description="Each event's feedback survey: invited and answered counts.",
    )
