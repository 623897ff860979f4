"""A confirmed, identified self-assessment result: kept for the impact figures, on the person's
timeline, and its weak areas on the person's snapshot (segment field `weak_areas`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.activity import repository as activity
from contacts.assessments import repository as results
from contacts.assessments.domain import summary, weak_areas
from contacts.joined_unit_of_work import JoinedUnitOfWork
from contacts.people import repository as people
from contacts.snapshots import publish_snapshot
from shared.events.surveys import AssessmentResultV1

KIND = "self_assessed"


async def apply_result(conn: AsyncConnection, event: AssessmentResultV1) -> bool:
    """True when the result was added to a known person (a result for nobody contacts knows
    still counts in the figures, joined to nobody)."""
    await results.save_area_names(
        conn, {"fi": event.area_names, "sv": event.area_names_sv, "en": event.area_names_en}
    )
    person = None
    if event.contact_id is not None:
        person = await people.get(conn, event.contact_id, for_update=True)
    added = await results.add_result(
        conn,
        attempt_id=event.attempt_id,
        assessment_id=event.assessment_id,
        person_id=person.id if person else None,
        taken_on=event.taken_on,
        percents=event.percents,
    )
    if person is None or not added:
        return False
    await activity.add(
        conn,
        person_id=person.id,
        kind=KIND,
        at=datetime.combine(event.taken_on, time(), UTC),
        details={
            "text": summary(event.percents, event.area_names),
            "assessment_id": str(event.assessment_id),
            "attempt_id": str(event.attempt_id),
            "percents": event.percents,
            "weak_areas": event.weak_areas,
        },
        source="surveys",
    )
    weak = weak_areas(event.percents, event.weak_areas)
    if await results.latest_attempt(conn, person.id) == event.attempt_id and (
        weak != person.weak_areas
    ):
        changed = person.changed(weak_areas=weak)
        uow = JoinedUnitOfWork(conn)
        await people.save(conn, changed)
        await publish_snapshot(uow, changed)
        await uow.commit()
    return True


async def area_names(engine: AsyncEngine, *, lang: str = "fi") -> dict[str, str]:
    """The self-assessment areas' names in `lang`, by key (for the impact page)."""
    async with engine.connect() as conn:
        return await results.area_names(conn, lang)


async def latest_weak_areas(conn: AsyncConnection, person_id: uuid.UUID) -> tuple[str, ...]:
    """The weak areas of the person's latest result as held now (after a merge moved the
    removed record's results over, the latest may be the other record's)."""
    latest = await results.latest_result(conn, person_id)
    return weak_areas(latest[1]) if latest else ()
