"""The reads behind the public forms and the preference centre, on the in-memory unit of
work: what the visit and signup forms offer, what a posted signup is read against, and what
the preference centre shows."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from contacts.errors import NotFound
from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person
from contacts.preferences import service as preferences
from contacts.signup.service import form as signup_form
from contacts.topics.domain import Topic
from contacts.visits import service as visits

from tests.unit.fakes.contacts import FakeContactsUnitOfWork, FakeTopics

AI = Topic.new(key="tekoaly", name_fi="Tekoäly", position=2)
SAFETY = Topic.new(key="turvallisuus", name_fi="Turvallisuus", position=1)
OLD = replace(Topic.new(key="webinaarit", name_fi="Webinaarit"), archived=True)


async def world() -> FakeContactsUnitOfWork:
    """Three topics (one archived) and organisations of every kind of standing."""
    uow = FakeContactsUnitOfWork(topics=FakeTopics(AI, SAFETY, OLD))
    for org in (
        Organisation.new(name="Öljymäen kirjasto"),
        Organisation.new(name="Zeta ry"),
        Organisation.new(name="Aava-opisto"),
        Organisation.new(name="Odottaa tarkistusta", status="pending_review"),
        replace(Organisation.new(name="Arkistoitu ry"), archived=True),
    ):
        await uow.organisations.add(org)
    return uow


async def test_the_visit_form_offers_current_topics_and_reviewed_current_organisations() -> None:
    uow = await world()
    choices = await visits.form_choices(uow, lang="fi")
    assert [t.key for t in choices.topics] == ["turvallisuus", "tekoaly"]
    # Finnish order: Ö after Z; neither pending nor archived organisations are suggested
    assert choices.organisation_names == ["Aava-opisto", "Zeta ry", "Öljymäen kirjasto"]
    assert uow.commits == 0 and uow.published == []


async def test_the_visit_form_with_nothing_to_offer() -> None:
    choices = await visits.form_choices(FakeContactsUnitOfWork(), lang="sv")
    assert choices.topics == [] and choices.organisation_names == []


async def test_the_signup_form_shows_the_newest_consent_wording() -> None:
    uow = await world()
    await uow.legal.add("consent", {"fi": "Uusi", "sv": "Ny", "en": "New"}, published_by=None)
    choices = await signup_form.form_choices(uow, lang="fi")
    assert [t.key for t in choices.topics] == ["turvallisuus", "tekoaly"]
    assert choices.organisation_names == ["Aava-opisto", "Zeta ry", "Öljymäen kirjasto"]
    assert choices.consent.label == "consent-v2"
    assert choices.consent.text("sv") == "Ny"


async def test_the_signup_form_of_an_empty_database_shows_the_shipped_wording() -> None:
    choices = await signup_form.form_choices(FakeContactsUnitOfWork(), lang="fi")
    assert choices.topics == [] and choices.organisation_names == []
    assert choices.consent.label == "consent-v1"
    assert choices.consent.text("fi").strip()


@pytest.mark.parametrize(
    ("posted", "logged"),
    [
        ("consent-v2", "consent-v2"),  # an older version the form showed
        ("consent-v1", "consent-v1"),  # the shipped one
        ("consent-v9", "consent-v3"),  # made up: the current one
        ("", "consent-v3"),  # missing: the current one
        ("privacy-v2", "consent-v3"),  # another text's label
    ],
)
async def test_a_posted_signup_is_read_against_the_offered_topics_and_a_real_wording(
    posted: str, logged: str
) -> None:
    uow = await world()
    for wording in ("Toinen", "Kolmas"):
        await uow.legal.add("consent", {"fi": wording, "sv": "", "en": ""}, published_by=None)
    offered = await signup_form.offered(uow, wording_label=posted)
    assert offered.topic_keys == {"turvallisuus", "tekoaly"}  # not the archived one
    assert offered.consent.label == logged


async def test_a_posted_signup_of_an_empty_database() -> None:
    offered = await signup_form.offered(FakeContactsUnitOfWork(), wording_label="consent-v1")
    assert offered.topic_keys == frozenset()
    assert offered.consent.label == "consent-v1"


async def test_the_preference_centre_shows_the_person_and_the_current_topics() -> None:
    uow = await world()
    person = Person.new(email="aino@example.fi", first_name="Aino", last_name="V")
    await uow.people.add(person.changed(topics=("webinaarit",), language="sv"))
    shown, topics = await preferences.preferences_of(uow, person.id)
    assert shown.id == person.id and shown.language == "sv"
    assert [t.key for t in topics] == ["turvallisuus", "tekoaly"]
    assert uow.commits == 0 and uow.published == []


async def test_the_preference_centre_of_an_erased_person_is_not_found() -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(NotFound):
        await preferences.preferences_of(uow, uuid.UUID(int=7))
    person = Person.new(email="aino@example.fi", first_name="Aino", last_name="V")
    await uow.people.add(person)
    shown, topics = await preferences.preferences_of(uow, person.id)
    assert shown.id == person.id and topics == []  # no topics on offer
