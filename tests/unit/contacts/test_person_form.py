"""The staff form for a person: every field checked at once, what was typed kept, and the
create and edit use cases (one transaction: details, tags, organisation, snapshot, audit)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.errors import Conflict, InvalidInput
from contacts.organisations.service import create_organisation
from contacts.people.domain.form import MESSAGES, PersonForm, parse_person_form
from contacts.people.service.editing import create_person, current_organisation, edit_person
from contacts.topics.domain import Topic

from tests.unit.fakes.contacts import FakeContactsUnitOfWork, FakeTopics

EDITOR = Actor(id="staff-1", role="editor")
TOPICS = {"ai", "security"}


def posted(**fields: str | list[str]) -> dict[str, list[str]]:
    base: dict[str, str | list[str]] = {
        "first_name": "Aino",
        "last_name": "Virtanen",
        "email": "Aino.Virtanen@Example.FI",
        "phone": "040 123 4567",
        "title": "Digituki-kouluttaja",
        "language": "sv",
        "organisation": " Oulun   kirjasto ",
        "topics": ["security", "ai"],
        "tags": "puhuja, Puhuja,  kevät 2026 ",
    }
    base.update(fields)
    return {k: v if isinstance(v, list) else [v] for k, v in base.items()}


def form(**fields: str | list[str]) -> PersonForm:
    parsed, errors, _kept = parse_person_form(posted(**fields), known_topics=TOPICS)
    assert errors == {} and parsed is not None
    return parsed


def test_a_good_form_is_cleaned_by_the_persons_own_rules() -> None:
    parsed = form()
    assert parsed == PersonForm(
        first_name="Aino",
        last_name="Virtanen",
        email="aino.virtanen@example.fi",
        phone="+358401234567",
        title="Digituki-kouluttaja",
        language="sv",
        organisation="Oulun kirjasto",
        topics=("ai", "security"),
        tags=("puhuja", "kevät 2026"),
    )


def test_every_bad_field_gets_its_error_at_once_and_what_was_typed_is_kept() -> None:
    values = posted(
        first_name="",
        last_name="x" * 101,
        email="not an address",
        phone="040 abc",
        title="t" * 151,
        language="de",
        topics=["ai", "cooking"],
        tags="ok, " + "t" * 61,
    )
    parsed, errors, kept = parse_person_form(values, known_topics=TOPICS)
    assert parsed is None
    assert list(errors) == [
        "first_name",
        "last_name",
        "email",
        "phone",
        "title",
        "language",
        "topics",
        "tags",
    ]
    assert all(errors[name] == MESSAGES[name] for name in errors)
    assert kept["email"] == "not an address" and kept["phone"] == "040 abc"
    assert kept["topics"] == ["ai", "cooking"]


def test_phone_and_organisation_may_be_left_empty() -> None:
    parsed = form(phone="", organisation="", tags="", topics=[])
    assert (parsed.phone, parsed.organisation, parsed.tags, parsed.topics) == (None, "", (), ())


async def with_library() -> FakeContactsUnitOfWork:
    uow = FakeContactsUnitOfWork(topics=FakeTopics(Topic.new(key="ai", name_fi="Tekoäly")))
    uow.topics.rows["security"] = Topic.new(key="security", name_fi="Tietoturva")
    await create_organisation(uow, actor=EDITOR, name="Oulun kirjasto", type="library")
    await create_organisation(uow, actor=EDITOR, name="Kajaanin kirjasto", type="library")
    uow.audit.entries.clear()
    return uow


async def test_creating_links_the_organisation_by_name_tags_and_audits_in_one_go() -> None:
    uow = await with_library()
    person = await create_person(uow, form(), actor=EDITOR)
    assert uow.people.rows[person.id] == person
    assert (person.phone, person.topics, person.tags) == (
        "+358401234567",
        ("ai", "security"),
        ("kevät 2026", "puhuja"),
    )
    assert await current_organisation(uow, person.id) == "Oulun kirjasto"
    assert [e.action for e in uow.audit.entries] == ["person.created", "person.organisation_linked"]
    assert uow.snapshots()[-1].organisation_name == "Oulun kirjasto"
    assert uow.activity_kinds() == ["organisation_linked"]


async def test_an_unknown_organisation_or_a_taken_address_stores_nothing() -> None:
    uow = await with_library()
    with pytest.raises(InvalidInput) as refused:
        await create_person(uow, form(organisation="Nowhere"), actor=EDITOR)
    assert refused.value.field == "organisation"
    await create_person(uow, form(), actor=EDITOR)
    published = len(uow.published)
    with pytest.raises(Conflict) as taken:
        await create_person(uow, form(first_name="Toinen"), actor=EDITOR)
    assert taken.value.field == "email"
    assert len(uow.people.rows) == 1 and len(uow.published) == published


async def test_editing_moves_the_person_to_another_organisation_and_audits_the_fields() -> None:
    uow = await with_library()
    person = await create_person(uow, form(), actor=EDITOR)
    uow.audit.entries.clear()
    edited = await edit_person(
        uow,
        person.id,
        form(title="Kirjastonhoitaja", organisation="kajaanin KIRJASTO", tags="puhuja"),
        actor=EDITOR,
    )
    assert (edited.title, edited.tags, edited.version) == (
        "Kirjastonhoitaja",
        ("puhuja",),
        person.version + 1,
    )
    assert await current_organisation(uow, person.id) == "Kajaanin kirjasto"
    assert [(e.action, e.details.get("fields")) for e in uow.audit.entries] == [
        ("person.updated", ["tags", "title"]),
        ("person.organisation_unlinked", None),
        ("person.organisation_linked", None),
    ]
    ended = [k for k in uow.organisations.links.values() if k.end_date is not None]
    assert [k.end_date for k in ended] == [datetime.now(UTC).date()]


async def test_emptying_the_organisation_ends_the_link_and_an_unchanged_form_changes_nothing() -> (
    None
):
    uow = await with_library()
    person = await create_person(uow, form(), actor=EDITOR)
    published = len(uow.published)
    same = await edit_person(uow, person.id, form(), actor=EDITOR)
    assert same == person and len(uow.published) == published
    await edit_person(uow, person.id, form(organisation=""), actor=EDITOR)
    assert await current_organisation(uow, person.id) == ""


async def test_editing_to_someone_elses_address_is_a_conflict_on_the_email_field() -> None:
    uow = await with_library()
    await create_person(uow, form(), actor=EDITOR)
    other = await create_person(uow, form(email="toinen@example.fi"), actor=EDITOR)
    with pytest.raises(Conflict) as taken:
        await edit_person(uow, other.id, form(), actor=EDITOR)
    assert taken.value.field == "email"
    assert uow.people.rows[other.id].email == "toinen@example.fi"


def test_a_new_person_needs_both_names_but_an_edit_may_leave_them_empty() -> None:
    values = posted(first_name="", last_name=" ")
    _none, errors, _kept = parse_person_form(values, known_topics=TOPICS)
    assert list(errors) == ["first_name", "last_name"]
    edited, errors, _kept = parse_person_form(values, known_topics=TOPICS, require_names=False)
    assert errors == {} and edited is not None
    assert (edited.first_name, edited.last_name) == ("", "")
    _none, errors, _kept = parse_person_form(
        posted(first_name="x" * 101), known_topics=TOPICS, require_names=False
    )
    assert list(errors) == ["first_name"]
