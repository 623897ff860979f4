"""Events' subscribers of surveys' compacted topics: the surveys staff may choose
(surveys.survey.v1) and each event's feedback counts (surveys.event_feedback.v1), both
version-guarded upserts into small replicas."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from events.feedback.repository import upsert_status, upsert_surveys
from events.settings import EventsSettings
from shared.events.envelope import CloudEvent
from shared.events.surveys import EventFeedbackV1, SurveyV1
from shared.events.topics import EVENT_FEEDBACK, SURVEYS
from shared.subscriptions import subscribe_batches


def subscribe_feedback(
    broker: KafkaBroker, *, settings: EventsSettings, engine: AsyncEngine
) -> None:
    async def surveys(conn: AsyncConnection, events: list[CloudEvent]) -> None:
        rows = []
        for event in events:
            if event.data is None:
                continue  # surveys are never tombstoned (an archived one says so)
            survey = event.parse(SurveyV1)
            rows.append(
                {
                    "survey_id": survey.survey_id,
                    "version": survey.version,
                    "title": survey.title,
                    "state": survey.state,
                    "languages": survey.languages,
                }
            )
        await upsert_surveys(conn, rows)

    async def counts(conn: AsyncConnection, events: list[CloudEvent]) -> None:
        rows = []
        for event in events:
            if event.data is None:
                continue
            status = event.parse(EventFeedbackV1)
            rows.append(
                {
                    "event_id": status.event_id,
                    "survey_id": status.survey_id,
                    "campaign_id": status.campaign_id,
                    "version": status.version,
                    "invited": status.invited,
                    "answered": status.answered,
                    "anonymous": status.anonymous,
                    "results_path": status.results_path,
                }
            )
        await upsert_status(conn, rows)

    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=SURVEYS,
        purpose="survey-replica",
        apply_batch=surveys,
        description="Surveys by title: the feedback survey staff choose for an event.",
    )
    subscribe_batches(
        broker,
        settings=settings,
        engine=engine,
        topic=EVENT_FEEDBACK,
        purpose="feedback-status",
        apply_batch=counts,
        description="Each event's feedback survey: invited and answered counts.",
    )
