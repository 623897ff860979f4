"""What a person changes themselves, on the in-memory unit of work: topics kept, consents
withdrawn once, snapshots and timeline entries only for real changes."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from contacts.errors import InvalidInput, NotFound
from contacts.people.domain.person import Person
from contacts.preferences import service
from contacts.topics.domain import Topic

from tests.unit.fakes.contacts import FakeContactsUnitOfWork, FakeTopics

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


async def subscriber(uow: FakeContactsUnitOfWork, **extra: object) -> Person:
    person = Person.new(email="aino@example.fi", first_name="Aino", last_name="V").confirmed(
        at=AT, newsletter=True, surveys=True
    )
    person = person.changed(**extra) if extra else person
    await uow.people.add(person)
    return person


async def test_saving_keeps_an_archived_topic_and_says_what_changed() -> None:
    old = replace(Topic.new(key="webinaarit", name_fi="Webinaarit"), archived=True)
    uow = FakeContactsUnitOfWork(
        topics=FakeTopics(Topic.new(key="tekoaly", name_fi="Tekoäly"), old)
    )
    person = await subscriber(uow, topics=("webinaarit",))
    saved = await service.update_preferences(
        uow,
        person.id,
        topics=["tekoaly"],
        language="sv",
        first_name="Aino",
        last_name="V",
    )
    assert set(saved.topics) == {"tekoaly", "webinaarit"}
    assert saved.language == "sv"
    assert uow.snapshots()[-1].language == "sv"
    assert uow.activity_kinds() == ["preferences_changed"]
    again = await service.update_preferences(
        uow, person.id, topics=["tekoaly"], language="sv", first_name="Aino", last_name="V"
    )
    assert again.version == saved.version and len(uow.snapshots()) == 1  # nothing changed
    assert await service.language_of(uow, person.id) == "sv"
    for refused in (
        {"topics": ["not-offered"], "language": "fi"},
        {"topics": [], "language": "xx"},
    ):
        with pytest.raises(InvalidInput):
            await service.update_preferences(
                uow,
                person.id,
                first_name="A",
                last_name="B",
                **refused,  # type: ignore[arg-type]
            )
    assert uow.people.rows[person.id].language == "sv"  # the refused save left nothing


async def test_withdrawing_one_purpose_keeps_the_other_and_all_of_them_unsubscribes() -> None:
    uow = FakeContactsUnitOfWork()
    person = await subscriber(uow)
    assert (
        await service.unsubscribe(uow, person.id, method="preferences", purposes=["surveys"], at=AT)
        == "unsubscribed"
    )
    kept = uow.people.rows[person.id]
    assert (kept.subscription_state, kept.newsletter_consent, kept.survey_consent) == (
        "subscribed",
        True,
        False,
    )
    assert [(e.purpose, e.given) for e in uow.consents.log] == [("surveys", False)]
    assert (
        await service.unsubscribe(uow, person.id, method="preferences", purposes=["surveys"], at=AT)
        == "already"
    )
    assert await service.unsubscribe(uow, person.id, method="unsubscribe", at=AT) == "unsubscribed"
    gone = uow.people.rows[person.id]
    assert gone.subscription_state == "unsubscribed"
    assert [(e.purpose, e.given) for e in uow.consents.log][1:] == [("newsletter", False)]
    assert await service.unsubscribe(uow, person.id, method="unsubscribe", at=AT) == "already"
    assert uow.activity_kinds() == ["unsubscribed", "unsubscribed"]
    with pytest.raises(NotFound):
        await service.unsubscribe(uow, uuid.UUID(int=3), method="unsubscribe", at=AT)
    assert await service.language_of(uow, uuid.UUID(int=3)) is None
