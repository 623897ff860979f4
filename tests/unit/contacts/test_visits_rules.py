"""Visit requests on the in-memory unit of work: who is linked, what is mailed, what staff do."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
from contacts.audit.domain import Actor
from contacts.errors import Conflict, NotFound
from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person
from contacts.visits import service
from contacts.visits.domain import parse_visit

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
AT = datetime(2026, 3, 1, 9, tzinfo=UTC)
FORM = {
    "organisation": ["Kirjasto Kirjava"],
    "contact_name": ["Aino Virtanen"],
    "email": ["aino@kirjasto.example"],
    "wished_dates": ["viikot 10–12"],
    "topic": ["ai"],
    "audience_size": ["25"],
    "message": ["Tervetuloa"],
    "language": ["sv"],
}
MAIL = service.VisitMail(notify=("tiimi@digituki.fi",), queue_url="https://d/staff/visits")


def form(**changes: list[str]) -> object:
    parsed, errors, _ = parse_visit(FORM | changes, known_topics={"ai"})
    assert parsed is not None, errors
    return parsed


async def test_a_request_makes_a_pending_organisation_and_a_person_without_consent() -> None:
    uow = FakeContactsUnitOfWork()
    visit_id = await service.request_visit(uow, form(), at=AT, mail=MAIL)  # type: ignore[arg-type]
    visit = uow.visits.rows[visit_id]
    (org,) = uow.organisations.rows.values()
    (person,) = uow.people.rows.values()
    assert (org.name, org.status) == ("Kirjasto Kirjava", "pending_review")
    assert (visit.organisation_id, visit.person_id, visit.state) == (org.id, person.id, "new")
    assert (person.email, person.first_name, person.language) == (
        "aino@kirjasto.example",
        "Aino",
        "sv",
    )
    assert uow.consents.log == [] and uow.consents.signups == {}  # asking is not subscribing
    assert uow.activity_kinds() == ["visit_requested"]
    mails = uow.mail_requests()
    assert [m.template_key for m in mails] == ["visit_acknowledgement", "visit_notification"]
    assert mails[0].to_email == "aino@kirjasto.example" and mails[0].language == "sv"
    assert mails[1].to_email == "tiimi@digituki.fi"
    assert uow.commits == 1


async def test_a_known_person_and_organisation_are_reused_and_left_untouched() -> None:
    uow = FakeContactsUnitOfWork()
    org = Organisation.new(name="Kirjasto Kirjava", status="active")
    person = Person.new(email="aino@kirjasto.example", first_name="Aino", last_name="V")
    await uow.organisations.add(org)
    await uow.people.add(person)
    visit_id = await service.request_visit(
        uow,
        form(contact_name=["Someone Else"]),  # type: ignore[arg-type]
        at=AT,
    )
    visit = uow.visits.rows[visit_id]
    assert (visit.organisation_id, visit.person_id) == (org.id, person.id)
    assert uow.people.rows[person.id].first_name == "Aino"  # typing an address edits nobody
    assert uow.snapshots() == []


async def test_staff_move_a_visit_on_and_each_step_is_audited_and_on_the_timeline() -> None:
    uow = FakeContactsUnitOfWork()
    visit_id = await service.request_visit(uow, form(), at=AT)  # type: ignore[arg-type]
    agreed = await service.act(uow, visit_id, "agree", actor=EDITOR, note="ti 10.3.", at=AT)
    assert (agreed.state, agreed.state_changed_by, agreed.note) == ("agreed", "staff-1", "ti 10.3.")
    with pytest.raises(Conflict):
        await service.act(uow, visit_id, "agree", actor=EDITOR, at=AT)
    noted = await service.act(uow, visit_id, "note", actor=EDITOR, note="soitettu", at=AT)
    assert noted.state == "agreed"
    await service.act(uow, visit_id, "complete", actor=EDITOR, at=AT)
    assert uow.activity_kinds() == ["visit_requested", "visit_agreed", "visit_done"]
    assert [e.action for e in uow.audit.entries] == ["visit.agree", "visit.note", "visit.complete"]
    with pytest.raises(NotFound):
        await service.act(uow, uuid.UUID(int=1), "agree", actor=EDITOR, at=AT)


async def test_the_queue_offers_agreed_visits_as_events_to_editors_only() -> None:
    uow = FakeContactsUnitOfWork()
    first = await service.request_visit(uow, form(), at=AT)  # type: ignore[arg-type]
    second = await service.request_visit(
        uow,
        form(organisation=["Kunta"], email=["b@kunta.example"]),  # type: ignore[arg-type]
        at=AT,
    )
    org_id = uow.visits.rows[first].organisation_id
    assert org_id is not None
    org = uow.organisations.rows[org_id]
    uow.organisations.rows[org_id] = replace(org, municipality="091")
    await service.act(uow, first, "agree", actor=EDITOR, at=AT)
    for_viewer = await service.queue(uow)
    assert {v.id for v in for_viewer.visits} == {first, second}
    assert for_viewer.event_drafts == {}
    for_editor = await service.queue(uow, with_event_drafts=True)
    assert set(for_editor.event_drafts) == {first}
    draft = dict(parse_qsl(for_editor.event_drafts[first]))
    assert (draft["municipality"], draft["organiser"]) == ("091", "Kirjasto Kirjava")
    agreed_only = await service.queue(uow, state="agreed")
    assert [v.id for v in agreed_only.visits] == [first]
