"""Event participation on the in-memory unit of work: the catalogue is version-guarded, each
registration step time-guarded, and a person's snapshot is published again only when their
event fields or engagement day move."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from contacts.participation import service
from contacts.people.domain.person import Person

from shared.events.events import EventPublishedV1, RegistrationChangedV1
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

STARTS = datetime(2026, 4, 10, 9, tzinfo=UTC)
EVENT = uuid.UUID(int=100)
SERIES = uuid.UUID(int=200)


def published(version: int = 1, **more: object) -> EventPublishedV1:
    fields: dict[str, object] = {
        "event_id": EVENT,
        "version": version,
        "state": "published",
        "kind": "webinar",
        "title": {"fi": "Tekoäly arjessa"},
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "online": False,
        "region": "01",
        "series_id": SERIES,
    }
    return EventPublishedV1(**(fields | more))  # type: ignore[arg-type]


def step(change: str, person: Person | None, at: datetime, n: int = 1) -> RegistrationChangedV1:
    return RegistrationChangedV1(
        registration_id=uuid.UUID(int=n),
        event_id=EVENT,
        change=change,  # type: ignore[arg-type]
        occurred_at=at,
        contact_id=person.id if person else None,
        series_id=SERIES,
    )


async def someone() -> tuple[FakeContactsUnitOfWork, Person]:
    uow = FakeContactsUnitOfWork()
    person = Person.new(email="aino@example.fi")
    await uow.people.add(person)
    await uow.events.publish_snapshot(person)
    await uow.commit()
    uow.published.clear()
    return uow, person


async def test_a_registration_puts_the_series_on_the_snapshot_and_a_replay_changes_nothing() -> (
    None
):
    uow, person = await someone()
    registered = step("registered", person, STARTS - timedelta(days=3))
    assert await service.apply_registration(uow, registered)
    assert not await service.apply_registration(uow, registered)  # the same step again
    (snapshot,) = uow.snapshots()
    assert snapshot.registered_series == (str(SERIES),)
    assert snapshot.version == person.version + 1
    held = uow.participation.registrations[uuid.UUID(int=1)]
    assert (held.state, held.person_id) == ("registered", person.id)


async def test_attending_moves_the_engagement_day_and_a_late_older_step_keeps_the_state() -> None:
    uow, person = await someone()
    await service.apply_event(uow, published())
    await service.apply_registration(uow, step("registered", person, STARTS - timedelta(days=3)))
    await service.apply_registration(uow, step("attended", person, STARTS + timedelta(hours=1)))
    late = step("cancelled", person, STARTS - timedelta(days=1))
    assert await service.apply_registration(uow, late)  # its step is recorded ...
    held = uow.participation.registrations[uuid.UUID(int=1)]
    assert held.state == "attended" and held.cancelled_at is not None  # ... the state stays
    latest = uow.snapshots()[-1]
    assert latest.last_attended_on == date(2026, 4, 10)
    assert uow.people.rows[person.id].last_engaged_on == date(2026, 4, 10)
    assert len(uow.snapshots()) == 2  # the late cancellation moved no field


async def test_someone_contacts_does_not_know_is_counted_without_a_snapshot() -> None:
    uow, _ = await someone()
    assert await service.apply_registration(uow, step("registered", None, STARTS, n=5))
    assert uow.participation.registrations[uuid.UUID(int=5)].person_id is None
    assert uow.published == []


async def test_the_catalogue_keeps_the_newest_version_and_a_withdrawal_keeps_the_record() -> None:
    uow, _ = await someone()
    await service.apply_event(uow, published(2, title={"fi": "Uusi"}))
    await service.apply_event(uow, published(1, title={"fi": "Vanha"}))
    assert uow.participation.catalogue[EVENT]["title"] == {"fi": "Uusi"}
    await service.withdraw_event(uow, EVENT)
    assert uow.participation.catalogue[EVENT]["state"] == "withdrawn"
    assert uow.published == []


async def test_an_attendance_before_the_catalogue_uses_its_own_day_then_the_events() -> None:
    uow, person = await someone()
    marked = STARTS + timedelta(days=2)
    await service.apply_registration(uow, step("attended", person, marked))
    assert uow.snapshots()[-1].last_attended_on == date(2026, 4, 12)
    await service.apply_event(uow, published())
    assert uow.snapshots()[-1].last_attended_on == date(2026, 4, 10)
    count = len(uow.snapshots())
    await service.apply_event(uow, published(2))  # nothing moved: no new snapshot
    assert len(uow.snapshots()) == count


async def test_the_dashboard_counts_published_events_by_place_and_organisation_type() -> None:
    uow, person = await someone()
    await service.apply_event(uow, published())
    other = published().model_copy(update={"event_id": uuid.UUID(int=101), "region": None})
    await service.apply_event(uow, other)
    await service.apply_registration(uow, step("registered", person, STARTS - timedelta(days=1)))
    await service.apply_registration(uow, step("attended", person, STARTS, n=1))
    await service.apply_registration(uow, step("cancelled", None, STARTS, n=2))
    # The person's organisation type as contacts' projection holds it now.
    uow.audience.rows[person.id] = uow.audience.rows[person.id] | {"organisation_type": "library"}
    by_region, _, by_type = await service.dashboard(uow, since=STARTS - timedelta(days=30))
    assert by_region == [("", 1, 0, 0), ("01", 1, 1, 1)]
    assert by_type == [("library", 1, 1, 1)]
