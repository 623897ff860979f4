"""Editing topics: names, order, keys made of names, archiving, and a person who keeps an
archived topic when changing their preferences."""

from __future__ import annotations

import pytest
from contacts.audit.domain import Actor
from contacts.errors import Conflict, InvalidInput
from contacts.topics.domain import Topic, kept_topics, key_from_name, parse_position, problems
from contacts.topics.pages import SAVED
from contacts.topics.service import archive_topic, create_topic, get_topic, update_topic

from tests.unit.contacts.test_organisation_profile_rules import _catalog
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Tekoäly", "tekoaly"),
        ("Digituki & Åland: mitä uutta?", "digituki-aland-mita-uutta"),
        ("  Ikäihmiset  ", "ikaihmiset"),
        ("x" * 60, "x" * 50),
    ],
)
def test_a_key_is_made_of_the_finnish_name(name: str, key: str) -> None:
    assert key_from_name(name) == key


def test_a_name_without_letters_or_digits_makes_no_key() -> None:
    with pytest.raises(InvalidInput) as refused:
        key_from_name("!!!")
    assert refused.value.field == "key"


@pytest.mark.parametrize("raw", ["-1", "10001", "1.5", "kolme", "", "١٢", True, 10_001])
def test_an_order_outside_0_to_10000_is_refused(raw: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_position(raw)
    assert refused.value.field == "position"


def test_an_order_may_come_from_a_form() -> None:
    assert parse_position(" 20 ") == 20
    assert parse_position(10_000) == 10_000


def test_missing_swedish_and_english_names_are_the_finnish_one() -> None:
    topic = Topic.new(name_fi="  Tekoäly ", name_en="AI")
    assert (topic.key, topic.name_fi, topic.name_sv, topic.name_en) == (
        "tekoaly",
        "Tekoäly",
        "Tekoäly",
        "AI",
    )
    edited = topic.edited(name_en="", position=5)
    assert (edited.name_en, edited.position) == ("Tekoäly", 5)


def test_problems_reports_every_field_at_once() -> None:
    found = problems(key="Bad Key", name_fi=" ", name_sv="x" * 121, name_en="", position="x")
    assert set(found) == {"key", "name_fi", "name_sv", "position"}
    assert problems(key="", name_fi="Tekoäly", name_sv="", name_en="", position="3") == {}


async def test_creating_without_a_key_makes_one_and_a_taken_key_conflicts() -> None:
    uow = FakeContactsUnitOfWork()
    topic = await create_topic(uow, actor=EDITOR, name_fi="Tekoäly", position=3)
    assert topic.key == "tekoaly" and await get_topic(uow, "tekoaly") == topic
    with pytest.raises(Conflict) as refused:
        await create_topic(uow, actor=EDITOR, name_fi="Tekoäly")
    assert refused.value.field == "key"


async def test_archiving_and_bringing_back_read_as_such_in_the_audit_log() -> None:
    uow = FakeContactsUnitOfWork()
    await create_topic(uow, actor=EDITOR, key="ai", name_fi="Tekoäly")
    await archive_topic(uow, "ai", actor=EDITOR)
    assert uow.topics.rows["ai"].archived
    assert uow.audit.entries[-1].action == "topic.archived"
    await archive_topic(uow, "ai", archived=False, actor=EDITOR)
    assert not uow.topics.rows["ai"].archived
    assert uow.audit.entries[-1].action == "topic.unarchived"
    await update_topic(uow, "ai", actor=EDITOR, name_sv="AI", position=2)
    assert uow.audit.entries[-1].action == "topic.updated"
    assert uow.audit.entries[-1].details == {"fields": ["name_sv", "position"]}


async def test_an_invalid_order_changes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    topic = await create_topic(uow, actor=EDITOR, key="ai", name_fi="Tekoäly")
    with pytest.raises(InvalidInput):
        await update_topic(uow, "ai", actor=EDITOR, position=-1)
    assert uow.topics.rows["ai"] == topic and len(uow.audit.entries) == 1


def test_a_person_keeps_the_archived_topics_a_form_cannot_show() -> None:
    offered = {"ai", "safety"}
    assert kept_topics(["safety"], ["ai", "retired"], offered=offered) == ("retired", "safety")
    assert kept_topics([], ["retired"], offered=offered) == ("retired",)
    with pytest.raises(InvalidInput):
        kept_topics(["retired"], [], offered=offered)  # not offered: cannot be chosen anew


def test_the_topic_pages_words_have_finnish() -> None:
    fi = _catalog("fi")
    words = [
        *SAVED.values(),
        *problems(key="Bad Key", name_fi=" ", name_sv="x" * 121, position="x").values(),
        "A topic with this key exists.",
    ]
    assert [w for w in words if not fi.get(w)] == []
