"""An event's feedback counts on surveys.event_feedback.v1 (compacted, key = event id): the
newest version wins in the events service's copy. Counts only, never who answered."""

from __future__ import annotations

import uuid

from shared.events.envelope import CloudEvent, new_event
from shared.events.surveys import EventFeedbackV1
from shared.events.topics import EVENT_FEEDBACK
from shared.outbox.unit_of_work import Publisher
from surveys import SOURCE
from surveys.event_feedback.repository import FeedbackCounts


def results_path(campaign_id: uuid.UUID) -> str:
    return f"/surveys/staff/campaigns/{campaign_id}/results"


def counts_event(counts: FeedbackCounts, *, anonymous: bool) -> CloudEvent:
    return new_event(
        source=SOURCE,
        data=EventFeedbackV1(
            event_id=counts.event_id,
            survey_id=counts.survey_id,
            campaign_id=counts.campaign_id,
            version=counts.version,
            invited=counts.invited,
            answered=counts.answered,
            anonymous=anonymous,
            results_path=results_path(counts.campaign_id),
        ),
        subject=str(counts.event_id),
        version=counts.version,
    )


def publish_counts(queue: Publisher, counts: FeedbackCounts, *, anonymous: bool) -> None:
    queue.publish(
        EVENT_FEEDBACK.name, str(counts.event_id), counts_event(counts, anonymous=anonymous)
    )
