"""An organisation's profile (forms of digital support, funding) and archiving, on the
in-memory unit of work; the labels every coded value reads as."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput
from contacts.organisations.domain.offer import FUNDING_SOURCES, SUPPORT_FORMS
from contacts.organisations.domain.organisation import (
    ORGANISATION_TYPES,
    Organisation,
    problems,
)
from contacts.organisations.labels import (
    FUNDING_LABELS,
    STATUS_LABELS,
    SUPPORT_FORM_LABELS,
    described,
)
from contacts.organisations.pages.lists import ARCHIVED_CHOICES, SAVED
from contacts.organisations.service import (
    archive_organisation,
    create_organisation,
    link_person,
    search_organisations,
    update_organisation,
)
from contacts.people.service.people import register_person
from contacts.signup.pages.signup import TYPE_LABELS

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
LOCALE = Path(__file__).resolve().parents[3] / "services/contacts/contacts/locale"


def test_support_forms_and_funding_keep_the_vocabularys_order_each_once() -> None:
    org = Organisation.new(
        name="Kirjasto",
        support_forms=["informal_support", "e_service_advice", "informal_support"],
        funding=["municipalities", "vm"],
    )
    assert org.support_forms == ("e_service_advice", "informal_support")
    assert org.funding == ("vm", "municipalities")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("support_forms", ["device_lending"]),
        ("support_forms", "general_support"),  # one string is not a list of codes
        ("funding", ["VM"]),  # codes, not labels
        ("funding", ["eu"]),
    ],
)
def test_a_code_outside_the_vocabulary_is_refused_on_its_field(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        Organisation.new(name="Kirjasto", **{field: value})  # type: ignore[arg-type]
    assert refused.value.field == field
    org = Organisation.new(name="Kirjasto")
    with pytest.raises(InvalidInput):
        org.edited(**{field: value})


def test_problems_reports_every_field_at_once() -> None:
    found = problems(
        name=" ",
        type="castle",
        business_id="1234567-2",
        municipality_code="999",
        website="ftp://x",
        support_forms=["nope"],
        funding=["nope"],
    )
    assert set(found) == {
        "name",
        "type",
        "business_id",
        "municipality_code",
        "website",
        "support_forms",
        "funding",
    }
    assert "check digit" in found["business_id"]
    ok = problems(name="Kirjasto", business_id="0245437-2", municipality_code="091", funding=[])
    assert ok == {}


def test_archived_must_be_a_boolean() -> None:
    org = Organisation.new(name="Kirjasto")
    assert org.edited(archived=True).archived
    with pytest.raises(InvalidInput) as refused:
        org.edited(archived="yes")
    assert refused.value.field == "archived"


async def test_archiving_hides_the_organisation_until_asked_for_and_is_audited_as_such() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    await create_organisation(uow, actor=EDITOR, name="Toinen")
    archived = await archive_organisation(uow, org.id, actor=EDITOR)
    assert archived.archived
    shown, total = await search_organisations(uow)
    assert [o.name for o in shown] == ["Toinen"] and total == 1
    only, _ = await search_organisations(uow, archived=True)
    assert [o.name for o in only] == ["Kirjasto"]
    both, _ = await search_organisations(uow, archived=None)
    assert len(both) == 2
    assert uow.audit.entries[-1].action == "organisation.archived"
    assert uow.audit.entries[-1].details == {"fields": ["archived"]}
    back = await archive_organisation(uow, org.id, archived=False, actor=EDITOR)
    assert not back.archived
    assert uow.audit.entries[-1].action == "organisation.unarchived"


async def test_an_archived_organisation_keeps_its_people_and_their_snapshots() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    person = await register_person(uow, email="aino@example.fi")
    await link_person(uow, person.id, organisation_id=org.id, actor=EDITOR)
    before = len(uow.snapshots())
    await archive_organisation(uow, org.id, actor=EDITOR)
    assert await uow.organisations.people_of(org.id) == [person.id]
    assert uow.snapshots()[before:][-1].organisation_name == "Kirjasto"


async def test_a_name_typed_on_a_form_prefers_the_current_organisation() -> None:
    uow = FakeContactsUnitOfWork()
    old = await create_organisation(uow, actor=EDITOR, name="Kirjasto")
    await archive_organisation(uow, old.id, actor=EDITOR)
    new = await create_organisation(uow, actor=EDITOR, name="kirjasto")
    assert await uow.organisations.by_name("KIRJASTO") == new


async def test_editing_the_profile_is_audited_with_its_fields() -> None:
    uow = FakeContactsUnitOfWork()
    org = await create_organisation(uow, actor=EDITOR, name="Kirjasto", funding=["stea"])
    edited = await update_organisation(
        uow, org.id, actor=EDITOR, support_forms=["skills_courses"], funding=[]
    )
    assert (edited.support_forms, edited.funding) == (("skills_courses",), ())
    assert uow.audit.entries[-1].action == "organisation.updated"
    assert uow.audit.entries[-1].details == {"fields": ["funding", "support_forms"]}


def test_the_page_shows_names_not_codes() -> None:
    org = Organisation.new(
        name="Kirjasto",
        type="library",
        municipality_code="091",
        support_forms=["general_support"],
        funding=["esr"],
    )
    shown = described(org, "fi")
    assert shown == {
        "type": "Library",
        "region": "Uusimaa",
        "municipality": "Helsinki",
        "support_forms": ["General digital support"],
        "funding": ["European Social Fund (ESF)"],
    }
    assert described(org, "sv")["municipality"] == "Helsingfors"


def _catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for po in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            merged |= {str(m.id): str(m.string) for m in read_po(f, locale=lang) if m.id}
    return merged


def test_every_label_and_form_message_has_its_finnish_and_the_vocabularies_swedish() -> None:
    assert tuple(SUPPORT_FORM_LABELS) == SUPPORT_FORMS
    assert tuple(FUNDING_LABELS) == FUNDING_SOURCES
    assert set(TYPE_LABELS) == set(ORGANISATION_TYPES)
    fi, sv = _catalog("fi"), _catalog("sv")
    vocabularies = [*SUPPORT_FORM_LABELS.values(), *FUNDING_LABELS.values()]
    messages = problems(
        name=" ",
        business_id="12",
        website="ftp://x",
        support_forms=["x"],
        funding=["x"],
    ).values()
    staff_words = [
        *vocabularies,
        *TYPE_LABELS.values(),
        *STATUS_LABELS.values(),
        *(label for _, label in ARCHIVED_CHOICES.values()),
        *SAVED.values(),
        *messages,
        "Business ID is not valid: the check digit does not match.",
        "An organisation with this business ID exists.",
        "Organisation name is longer than 200 characters.",
    ]
    assert [w for w in staff_words if not fi.get(w)] == []
    assert [w for w in vocabularies if not sv.get(w)] == []
    assert fi["Support and guidance that builds digital skills"] == (
        "Digiosaamista kasvattava tuki ja ohjaus"  # the programme description's own words
    )
