"""After an event: each attendee gets the event's feedback survey through the surveys
service. The worker's loop finds attendees due a request (`domain.feedback_due`), locks them
(SKIP LOCKED), marks them asked and writes one `events.feedback_requested.v1` per attendee to
the outbox in the same transaction, so a restart neither loses nor repeats a request; surveys
invites once per registration id even if a request arrived twice.

`request_due_feedback` is the use case (on events' unit of work); `feedback_loop` only repeats
it, with a new unit of work from `units` each round (the worker makes them from its engine).
The surveys' and counts' replicas are applied by `apply_surveys` / `apply_counts` on the
`FeedbackReplica` of the consumer's transaction (handlers.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from events import SOURCE
from events.feedback.domain import FeedbackStatus, FeedbackSurvey, feedback_due
from events.feedback.repository import FeedbackReplica
from events.settings import EventsSettings
from events.unit_of_work import EventsUnitOfWork
from shared.events.envelope import CloudEvent, new_event
from shared.events.events import FeedbackRequestedV1
from shared.events.surveys import EventFeedbackV1, SurveyV1
from shared.events.topics import EVENT_FEEDBACK_REQUESTS

log = logging.getLogger(__name__)
BATCH = 200


async def request_due_feedback(
    uow: EventsUnitOfWork,
    *,
    max_age: timedelta,
    now: datetime | None = None,
    batch: int = BATCH,
) -> int:
    """Requests the feedback survey for every attendee due at `now`; returns how many."""
    now = now or datetime.now(UTC)
    sent = 0
    while True:
        async with uow:
            rows = await uow.feedback.due(now, max_age, limit=batch)
            asked: list[uuid.UUID] = []
            for row in rows:
                if not feedback_due(
                    event_state=row.event_state,
                    ends_at=row.ends_at,
                    survey_id=row.feedback_survey_id,
                    registration_state=row.state,
                    attended_at=row.attended_at,
                    requested_at=row.feedback_requested_at,
                    email=row.email,
                    now=now,
                    max_age=max_age,
                ):
                    continue
                data = FeedbackRequestedV1(
                    registration_id=row.id,
                    event_id=row.event_id,
                    event_title=dict(row.title),
                    event_ends_at=row.ends_at,
                    survey_id=row.feedback_survey_id,
                    anonymous=row.feedback_anonymous,
                    email=row.email,
                    name=row.name,
                    language=row.language if row.language in ("fi", "sv", "en") else "fi",
                    contact_id=row.contact_id,
                )
                uow.publish(
                    EVENT_FEEDBACK_REQUESTS.name,
                    str(row.event_id),
                    new_event(source=SOURCE, data=data, subject=str(row.event_id)),
                )
                asked.append(row.id)
            await uow.feedback.mark_requested(asked, now)
            await uow.commit()
        sent += len(asked)
        if len(rows) < batch:
            return sent


@dataclass(frozen=True)
class FeedbackView:
    """What the staff event page shows of the feedback survey."""

    survey: FeedbackSurvey | None
    anonymous: bool
    requested: int
    status: FeedbackStatus | None


async def feedback_of(
    uow: EventsUnitOfWork, *, event_id: uuid.UUID, survey_id: uuid.UUID | None, anonymous: bool
) -> FeedbackView:
    async with uow:
        survey = await uow.feedback.survey(survey_id) if survey_id else None
        return FeedbackView(
            survey=survey,
            anonymous=anonymous,
            requested=await uow.feedback.requested_count(event_id),
            status=await uow.feedback.status(event_id),
        )


async def choosable_surveys(uow: EventsUnitOfWork, lang: str) -> list[FeedbackSurvey]:
    async with uow:
        return await uow.feedback.surveys(lang)


async def apply_surveys(replica: FeedbackReplica, events: list[CloudEvent]) -> None:
    """surveys.survey.v1: the surveys staff may choose (surveys are never tombstoned: an
    archived one says so in its state)."""
    rows = []
    for event in events:
        if event.data is None:
            continue
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
    await replica.upsert_surveys(rows)


async def apply_counts(replica: FeedbackReplica, events: list[CloudEvent]) -> None:
    """surveys.event_feedback.v1: each event's feedback campaign, invited and answered."""
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
    await replica.upsert_status(rows)


def feedback_loop(
    units: Callable[[], EventsUnitOfWork], settings: EventsSettings
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    max_age = timedelta(days=settings.feedback_max_age_days)

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await request_due_feedback(units(), max_age=max_age)
                if sent:
                    log.info("event feedback requested", extra={"count": sent})
            except Exception:
                log.exception("event feedback run failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.feedback_poll_interval_s)

    return loop
