"""Surveys' worker: the contact replica (with erasure), reminders, the ballot boxes, the outbox
relay."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.topics import (
    EVENT_FEEDBACK,
    MAIL_REQUESTED,
    STAFF_AUDIT,
    SURVEY_ASSESSMENTS,
    SURVEY_RESPONSES,
    SURVEYS,
)
from shared.kafka import make_broker
from shared.retention import retention_loop
from shared.subscriptions import declare_publishers
from shared.worker import run_service_worker
from surveys import segments
from surveys.ballot_box.domain import BallotSeal
from surveys.ballot_box.service import ballot_loop
from surveys.campaigns.reminders import reminder_loop
from surveys.event_feedback.handlers import subscribe_feedback_requests
from surveys.mail_status.handlers import subscribe_mail_events
from surveys.materials.handlers import subscribe_materials
from surveys.replica import subscribe_contact_replica
from surveys.retention.job import run_retention
from surveys.settings import SurveysSettings
from surveys.tables import outbox
from surveys.unit_of_work import unit_of_work


def build_broker(settings: SurveysSettings, engine: AsyncEngine) -> KafkaBroker:
    broker = make_broker(settings)
    subscribe_contact_replica(broker, settings=settings, engine=engine)
    subscribe_mail_events(broker, settings=settings, engine=engine)
    subscribe_feedback_requests(broker, settings=settings, engine=engine)
    subscribe_materials(broker, settings=settings, engine=engine)
    segments.replica.subscribe(
        broker,
        settings=settings,
        engine=engine,
        description="Replica of segment definitions for survey campaign audiences.",
    )
    declare_publishers(
        broker,
        settings,
        [
            (SURVEY_RESPONSES, "Submitted responses."),
            (SURVEY_ASSESSMENTS, "Identified self-assessment results."),
            (MAIL_REQUESTED, "Survey invitations and reminders, self-assessment results."),
            (STAFF_AUDIT, "Staff actions taken in surveys."),
            (SURVEYS, "Surveys by title, for picking one elsewhere (compacted, key = survey id)."),
            (EVENT_FEEDBACK, "Events' feedback surveys: invited and answered counts."),
        ],
    )
    return broker


async def run(settings: SurveysSettings) -> None:
    await run_service_worker(
        settings,
        outbox=outbox,
        build_broker=build_broker,
        loops=lambda engine: [
            reminder_loop(engine, settings),
            ballot_loop(
                lambda: unit_of_work(engine),
                seal=BallotSeal.from_token_keys(settings.token_keys()),
                k=settings.ballot_batch_min,
                interval_s=settings.ballot_poll_interval_s,
            ),
            retention_loop(engine, settings, run_retention),
        ],
    )
