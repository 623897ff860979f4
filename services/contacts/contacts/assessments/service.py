"""A confirmed, identified self-assessment result: kept for the impact figures, on the person's
timeline, and its weak areas on the person's snapshot (segment field `weak_areas`).

The use cases take contacts' unit of work (`uow.assessments`); the Kafka handler joins it to
the consumer's transaction (with its inbox row).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time

from contacts.assessments.domain import summary, weak_areas
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.surveys import AssessmentResultV1

KIND = "self_assessed"


async def apply_result(uow: ContactsUnitOfWork, event: AssessmentResultV1) -> bool:
    """True when the result was added to a known person (a result for nobody contacts knows
    still counts in the figures, joined to nobody)."""
    async with uow:
        added = await _apply(uow, event)
        await uow.commit()
    return added


async def _apply(uow: ContactsUnitOfWork, event: AssessmentResultV1) -> bool:
    await uow.assessments.save_area_names(
        {"fi": event.area_names, "sv": event.area_names_sv, "en": event.area_names_en}
    )
    person = None
    if event.contact_id is not None:
        person = await uow.people.get(event.contact_id, for_update=True)
    added = await uow.assessments.add_result(
        attempt_id=event.attempt_id,
        assessment_id=event.assessment_id,
        person_id=person.id if person else None,
        taken_on=event.taken_on,
        percents=event.percents,
    )
    if person is None or not added:
        return False
    await uow.activity.add(
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
    latest = await uow.assessments.latest_result(person.id)
    if latest is not None and latest[0] == event.attempt_id and weak != person.weak_areas:
        changed = person.changed(weak_areas=weak)
        await uow.people.save(changed)
        await uow.events.publish_snapshot(changed)
    return True


async def area_names(uow: ContactsUnitOfWork, *, lang: str = "fi") -> dict[str, str]:
    """The self-assessment areas' names in `lang`, by key (for the impact page)."""
    async with uow:
        return await uow.assessments.area_names(lang)


async def latest_weak_areas(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> tuple[str, ...]:
    """The weak areas of the person's latest result as held now (after a merge moved the
    removed record's results over, the latest may be the other record's); in a unit of work
    the caller has entered."""
    latest = await uow.assessments.latest_result(person_id)
    return weak_areas(latest[1]) if latest else ()
