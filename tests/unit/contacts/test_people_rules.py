"""People's use cases on the in-memory unit of work: what is stored, published, refused."""

from __future__ import annotations

import uuid

import pytest
from contacts.audit.domain import RETENTION, Actor
from contacts.errors import Conflict, InvalidInput, NotFound
from contacts.people.service.people import erase_person, get_person, register_person, update_person
from contacts.topics.domain import Topic

import shared.retention as shared_retention
from shared.events.contacts import CONTACT_ERASED
from tests.unit.fakes.contacts import FakeContactsUnitOfWork, FakeTopics


async def test_registering_stores_the_person_and_publishes_one_snapshot() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="Aino@Example.FI", first_name="Aino")
    assert uow.people.rows[person.id].email == "aino@example.fi"
    [snapshot] = uow.snapshots()
    assert (snapshot.contact_id, snapshot.email, snapshot.version) == (person.id, person.email, 1)
    assert uow.commits == 1


async def test_an_address_already_taken_in_other_case_is_refused_and_nothing_published() -> None:
    uow = FakeContactsUnitOfWork()
    first = await register_person(uow, email="aino@example.fi")
    with pytest.raises(Conflict):
        await register_person(uow, email="AINO@example.fi")
    assert list(uow.people.rows) == [first.id]
    assert len(uow.snapshots()) == 1


async def test_an_update_bumps_the_version_and_publishes_the_new_snapshot() -> None:
    uow = FakeContactsUnitOfWork(topics=FakeTopics(Topic.new(key="ai", name_fi="Tekoäly")))
    person = await register_person(uow, email="aino@example.fi")
    changed = await update_person(
        uow, person.id, phone="040 123 4567", topics=["ai", "ai"], first_name=" Aino "
    )
    assert changed.version == person.version + 1
    assert (changed.phone, changed.topics, changed.first_name) == ("+358401234567", ("ai",), "Aino")
    latest = uow.snapshots()[-1]
    assert (latest.version, latest.topics) == (changed.version, ("ai",))


async def test_an_empty_phone_clears_it() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="aino@example.fi")
    await update_person(uow, person.id, phone="+358401234567")
    cleared = await update_person(uow, person.id, phone="  ")
    assert cleared.phone is None


async def test_an_unknown_topic_changes_nothing() -> None:
    uow = FakeContactsUnitOfWork(topics=FakeTopics(Topic.new(key="ai", name_fi="Tekoäly")))
    person = await register_person(uow, email="aino@example.fi")
    with pytest.raises(InvalidInput) as refused:
        await update_person(uow, person.id, topics=["ai", "knitting"], first_name="Other")
    assert refused.value.field == "topics"
    assert uow.people.rows[person.id] == person
    assert len(uow.snapshots()) == 1


async def test_taking_another_persons_address_is_refused_and_rolled_back() -> None:
    uow = FakeContactsUnitOfWork()
    await register_person(uow, email="aino@example.fi")
    bertta = await register_person(uow, email="bertta@example.fi")
    with pytest.raises(Conflict):
        await update_person(uow, bertta.id, email="aino@example.fi")
    assert uow.people.rows[bertta.id].email == "bertta@example.fi"
    assert len(uow.snapshots()) == 2


STAFF = Actor(id="staff-e", role="editor")


async def test_missing_people_are_not_found() -> None:
    uow = FakeContactsUnitOfWork()
    nobody = uuid.uuid4()
    with pytest.raises(NotFound):
        await get_person(uow, nobody)
    with pytest.raises(NotFound):
        await erase_person(uow, nobody, actor=None, path="preference centre")
    with pytest.raises(NotFound):
        await update_person(uow, nobody, first_name="X")
    assert uow.published == []


async def test_erasing_removes_the_person_with_a_tombstone_above_every_snapshot() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="aino@example.fi")
    changed = await update_person(uow, person.id, last_name="Virtanen")
    await erase_person(uow, person.id, actor=STAFF, path="api")
    assert person.id not in uow.people.rows
    [tombstone] = uow.tombstones()
    assert tombstone.type == CONTACT_ERASED
    assert tombstone.subject == str(person.id)
    assert tombstone.version == changed.version + 1
    assert tombstone.version > max(s.version for s in uow.snapshots())


async def test_every_erasure_is_audited_by_who_and_path_with_ids_only() -> None:
    for actor, path, erased_by in (
        (STAFF, "api", STAFF.id),
        (STAFF, "person page", STAFF.id),
        (None, "preference centre", "the person themselves"),
    ):
        uow = FakeContactsUnitOfWork()
        person = await register_person(
            uow, email="aino.aalto@example.fi", first_name="Aino", last_name="Aalto"
        )
        await erase_person(uow, person.id, actor=actor, path=path)
        [entry] = [e for e in uow.audit.entries if e.action == "person.erased"]
        assert entry.actor == actor
        assert entry.target_id == str(person.id)
        assert entry.details == {"erased_by": erased_by, "path": path}


async def test_an_erasure_by_an_unknown_path_is_refused_and_nothing_is_erased() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="aino@example.fi")
    with pytest.raises(ValueError):
        await erase_person(uow, person.id, actor=STAFF, path="somewhere")
    assert person.id in uow.people.rows
    assert uow.tombstones() == []


def test_retention_erases_as_the_shared_retention_actor() -> None:
    assert RETENTION.id == shared_retention.ACTOR == "system:retention"
