"""A confirmed, identified self-assessment result reaches the person's timeline."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.activity import repository as activity
from contacts.assessments.domain import summary
from contacts.people import repository as people
from shared.events.surveys import AssessmentResultV1

KIND = "self_assessed"


async def apply_result(conn: AsyncConnection, event: AssessmentResultV1) -> bool:
    """True when the result was added (a result for no known person is passed over)."""
    if event.contact_id is None or await people.get(conn, event.contact_id) is None:
        return False
    names = event.area_names
    await activity.add(
        conn,
        person_id=event.contact_id,
        kind=KIND,
        at=datetime.combine(event.taken_on, time(), UTC),
        details={
            "text": summary(event.percents, names),
            "assessment_id": str(event.assessment_id),
            "attempt_id": str(event.attempt_id),
            "percents": event.percents,
            "weak_areas": event.weak_areas,
        },
        source="surveys",
    )
    return True
