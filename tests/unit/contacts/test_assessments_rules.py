"""Self-assessment results on the in-memory unit of work: each attempt counts once, reaches a
known person's timeline, and only the LATEST result sets the snapshot's weak areas."""

from __future__ import annotations

import uuid
from datetime import date

from contacts.assessments import service
from contacts.people.domain.person import Person

from shared.events.surveys import AssessmentResultV1
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

NAMES = {"security": "Tietoturva", "privacy": "Tietosuoja"}


def result(person: Person | None, n: int, taken_on: date, **percents: int) -> AssessmentResultV1:
    return AssessmentResultV1(
        attempt_id=uuid.UUID(int=n),
        assessment_id=uuid.UUID(int=99),
        contact_id=person.id if person else None,
        taken_on=taken_on,
        percents=percents,
        area_names=NAMES,
        area_names_sv={"security": "Datasäkerhet", "privacy": "Dataskydd"},
        weak_areas=[k for k, v in percents.items() if v < 40],
    )


async def someone() -> tuple[FakeContactsUnitOfWork, Person]:
    uow = FakeContactsUnitOfWork()
    person = Person.new(email="aino@example.fi")
    await uow.people.add(person)
    await uow.commit()
    return uow, person


async def test_a_result_reaches_the_timeline_and_sets_the_weak_areas_once() -> None:
    uow, person = await someone()
    first = result(person, 1, date(2026, 3, 1), security=33, privacy=100)
    assert await service.apply_result(uow, first)
    assert not await service.apply_result(uow, first)  # the same attempt again
    (row,) = uow.activity.rows
    assert (row.kind, row.source, row.person_id) == ("self_assessed", "surveys", person.id)
    assert row.details["text"] == "Tietoturva 33 %, Tietosuoja 100 %"
    assert row.details["weak_areas"] == ["security"]
    assert uow.people.rows[person.id].weak_areas == ("security",)
    assert [s.weak_areas for s in uow.snapshots()] == [("security",)]
    assert await service.area_names(uow, lang="sv") == {
        "security": "Datasäkerhet",
        "privacy": "Dataskydd",
    }
    assert await service.area_names(uow, lang="en") == NAMES  # none in English: Finnish


async def test_an_older_result_arriving_late_does_not_replace_the_latest_weak_areas() -> None:
    uow, person = await someone()
    await service.apply_result(uow, result(person, 1, date(2026, 3, 5), security=90, privacy=20))
    await service.apply_result(uow, result(person, 2, date(2026, 3, 1), security=10, privacy=90))
    assert uow.people.rows[person.id].weak_areas == ("privacy",)
    assert len(uow.snapshots()) == 1 and len(uow.activity.rows) == 2
    # A retake with the same weak areas changes no snapshot.
    await service.apply_result(uow, result(person, 3, date(2026, 3, 9), security=80, privacy=30))
    assert len(uow.snapshots()) == 1


async def test_a_result_for_nobody_known_is_kept_for_the_figures_only() -> None:
    uow, _ = await someone()
    stranger = Person.new(email="x@example.fi")
    assert not await service.apply_result(uow, result(stranger, 1, date(2026, 3, 1), security=5))
    assert not await service.apply_result(uow, result(None, 2, date(2026, 3, 1), security=5))
    assert {r.person_id for r in uow.assessments.results.values()} == {None}
    assert uow.activity.rows == [] and uow.published == []


async def test_the_latest_weak_areas_follow_the_latest_result_held() -> None:
    uow, person = await someone()
    async with uow:
        assert await service.latest_weak_areas(uow, person.id) == ()
    await service.apply_result(uow, result(person, 1, date(2026, 3, 1), security=5, privacy=5))
    async with uow:
        assert await service.latest_weak_areas(uow, person.id) == ("privacy", "security")
