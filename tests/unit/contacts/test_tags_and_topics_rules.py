"""Tags and topics on the in-memory unit of work: one spelling per tag, audited changes."""

from __future__ import annotations

import uuid

import pytest
from contacts.audit.domain import Actor
from contacts.errors import Conflict, InvalidInput, NotFound
from contacts.people.service.people import register_person
from contacts.tags.service import list_tags, tag_person, untag_person
from contacts.topics.service import create_topic, list_topics, update_topic

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")


async def test_a_tag_in_another_letter_case_reuses_the_stored_spelling() -> None:
    uow = FakeContactsUnitOfWork()
    aino = await register_person(uow, email="aino@example.fi")
    bertta = await register_person(uow, email="bertta@example.fi")
    await tag_person(uow, aino.id, "Speaker 2025", actor=EDITOR)
    tagged = await tag_person(uow, bertta.id, "speaker 2025", actor=EDITOR)
    assert tagged.tags == ("Speaker 2025",)
    assert await list_tags(uow) == [("Speaker 2025", 2)]
    assert uow.snapshots()[-1].tags == ("Speaker 2025",)
    assert [e.action for e in uow.audit.entries] == ["person.tagged", "person.tagged"]


async def test_tagging_twice_changes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="aino@example.fi")
    once = await tag_person(uow, person.id, "mentor", actor=EDITOR)
    published = len(uow.published)
    again = await tag_person(uow, person.id, "MENTOR", actor=EDITOR)
    assert again == once
    assert len(uow.published) == published
    assert len(uow.audit.entries) == 1


async def test_untagging_matches_any_case_and_a_tag_not_held_changes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    person = await register_person(uow, email="aino@example.fi")
    await tag_person(uow, person.id, "mentor", actor=EDITOR)
    untagged = await untag_person(uow, person.id, " MENTOR ", actor=EDITOR)
    assert untagged.tags == ()
    assert uow.snapshots()[-1].tags == ()
    published = len(uow.published)
    assert await untag_person(uow, person.id, "mentor", actor=EDITOR) == untagged
    assert len(uow.published) == published


async def test_tagging_a_missing_person_is_not_found() -> None:
    with pytest.raises(NotFound):
        await tag_person(FakeContactsUnitOfWork(), uuid.uuid4(), "mentor", actor=EDITOR)


async def test_a_topic_key_is_unique_and_creating_one_is_audited() -> None:
    uow = FakeContactsUnitOfWork()
    topic = await create_topic(uow, actor=EDITOR, key="ai", name_fi="Tekoäly")
    with pytest.raises(Conflict):
        await create_topic(uow, actor=EDITOR, key="ai", name_fi="Toinen")
    assert await list_topics(uow) == [topic]
    assert [(e.action, e.target_id) for e in uow.audit.entries] == [("topic.created", "ai")]


async def test_an_archived_topic_is_listed_only_when_asked() -> None:
    uow = FakeContactsUnitOfWork()
    await create_topic(uow, actor=EDITOR, key="ai", name_fi="Tekoäly")
    archived = await update_topic(uow, "ai", actor=EDITOR, archived=True)
    assert archived.archived
    assert await list_topics(uow) == []
    assert await list_topics(uow, include_archived=True) == [archived]
    assert uow.audit.entries[-1].details == {"fields": ["archived"]}


async def test_a_topic_name_cannot_be_emptied_and_a_missing_topic_is_not_found() -> None:
    uow = FakeContactsUnitOfWork()
    topic = await create_topic(uow, actor=EDITOR, key="ai", name_fi="Tekoäly")
    with pytest.raises(InvalidInput) as refused:
        await update_topic(uow, "ai", actor=EDITOR, name_fi="  ")
    assert refused.value.field == "name_fi"
    assert uow.topics.rows["ai"] == topic
    with pytest.raises(NotFound):
        await update_topic(uow, "nope", actor=EDITOR, name_fi="X")
