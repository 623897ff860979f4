"""The people directory's use cases on the fake unit of work: the search's paging, a
person's and an organisation's timeline, and the GDPR export (audited) versus the page's read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.memberships.domain import Transition
from contacts.notes.domain import Note
from contacts.people.domain.person import Person
from contacts.people.service import directory
from contacts.visits.domain import VisitRequest, parse_visit

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
EDITOR = Actor(id="staff-1", role="editor")


def row(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "contact_id": uuid.UUID(int=n),
        "email": f"p{n:03}@example.fi",
        "first_name": "Aino",
        "last_name": f"Suku{n:03}",
        "organisation_name": "Kirjasto" if n % 2 else "Koulu",
        "region": None,
        "erased": False,
        **extra,
    }


async def test_pages_hold_one_to_max_rows_and_start_at_one() -> None:
    uow = FakeContactsUnitOfWork()
    uow.directory.snapshots = [row(n) for n in range(1, 251)]
    rows, total = await directory.search_people(uow, per_page=10_000)
    assert total == 250 and len(rows) == directory.MAX_PAGE
    rows, _ = await directory.search_people(uow, per_page=0, page=0)
    assert [r["email"] for r in rows] == ["p001@example.fi"]
    rows, _ = await directory.search_people(uow, per_page=2, page=3)
    assert [r["email"] for r in rows] == ["p005@example.fi", "p006@example.fi"]
    rows, total = await directory.search_people(uow, per_page=50, page=99)
    assert rows == [] and total == 250


async def test_the_search_filters_and_never_lists_erased_rows() -> None:
    uow = FakeContactsUnitOfWork()
    uow.directory.snapshots = [row(1), row(2), row(3, erased=True), row(4, region="01")]
    rows, total = await directory.search_people(uow, text="kirjasto")
    assert total == 1 and rows[0]["contact_id"] == uuid.UUID(int=1)
    rows, total = await directory.search_people(uow, region="01")
    assert [r["contact_id"] for r in rows] == [uuid.UUID(int=4)]
    _rows, total = await directory.search_people(uow, descending=True)
    assert total == 3


async def test_a_person_timeline_tells_every_record_newest_first() -> None:
    uow = FakeContactsUnitOfWork()
    person = Person.new(email="aino@example.fi", first_name="Aino", last_name="V")
    await uow.people.add(person)
    pid = person.id
    uow.directory.activity = [
        {"person_id": pid, "occurred_at": T0, "kind": "signed_up", "source": "contacts",
         "details": {}},
        # Told in full by the membership step instead.
        {"person_id": pid, "occurred_at": T0 + timedelta(hours=1), "kind": "membership_changed",
         "source": "contacts", "details": {}},
    ]  # fmt: skip
    await uow.memberships.record(
        Transition(pid, "approve", "pending", "active", T0 + timedelta(hours=1), "ok", "staff-1")
    )
    uow.directory.consent_log = [
        {"person_id": pid, "occurred_at": T0 + timedelta(hours=2), "given": False,
         "purpose": "newsletter", "method": "unsubscribe", "wording_version": "v1"},
    ]  # fmt: skip
    uow.notes.rows.append(
        Note(uuid.UUID(int=9), "Soitettu", "staff-1", T0 + timedelta(hours=3), person_id=pid)
    )
    uow.directory.registrations = [
        {"person_id": pid, "organisation_id": None, "at": T0 + timedelta(hours=4),
         "kind": "event_registered", "source": "events", "details": {}},
    ]  # fmt: skip
    items = await directory.timeline(uow, pid)
    assert [i["kind"] for i in items] == [
        "event_registered",
        "note",
        "consent_withdrawn",
        "membership_changed",
        "signed_up",
    ]
    step = items[3]
    assert step["source"] == "staff"
    assert step["details"] == {
        "action": "approve",
        "from": "pending",
        "state": "active",
        "reason": "ok",
        "by": "staff-1",
    }
    assert items[1]["details"] == {"id": str(uuid.UUID(int=9)), "author": "staff-1",
                                   "text": "Soitettu"}  # fmt: skip
    with pytest.raises(NotFound):
        await directory.timeline(uow, uuid.UUID(int=404))


async def test_an_organisation_timeline_has_notes_visit_moves_and_registrations() -> None:
    uow = FakeContactsUnitOfWork()
    org_id = uuid.UUID(int=5)
    form, errors, _ = parse_visit(
        {
            "organisation": ["Kirjasto"],
            "contact_name": ["Aino Virtanen"],
            "email": ["aino@example.fi"],
            "topic": ["ai"],
            "wished_dates": ["viikko 10"],
            "audience_size": ["20"],
            "language": ["fi"],
        },
        known_topics={"ai"},
    )
    assert form is not None, errors
    visit = VisitRequest(id=uuid.UUID(int=6), form=form, created_at=T0, organisation_id=org_id)
    await uow.visits.add(visit.acted("agree", at=T0 + timedelta(days=1), by="staff-1"))
    uow.notes.rows.append(
        Note(uuid.UUID(int=7), "Sopimus", "staff-1", T0 + timedelta(days=2), organisation_id=org_id)
    )
    uow.directory.registrations = [
        {"person_id": uuid.UUID(int=1), "organisation_id": org_id, "at": T0 - timedelta(days=1),
         "kind": "event_attended", "source": "events", "details": {}},
    ]  # fmt: skip
    items = await directory.organisation_timeline(uow, org_id)
    assert [i["kind"] for i in items] == [
        "note",
        "visit_agreed",
        "visit_requested",
        "event_attended",
    ]
    assert items[1]["details"] == {
        "id": str(visit.id),
        "text": "Aino Virtanen, viikko 10",
        "author": "staff-1",
    }
    assert await directory.organisation_timeline(uow, uuid.UUID(int=8)) == []


async def test_the_export_is_audited_with_it_and_the_page_read_is_not() -> None:
    uow = FakeContactsUnitOfWork()
    person = Person.new(email="aino@example.fi", first_name="Aino", last_name="V")
    await uow.people.add(person)
    uow.directory.snapshots = [row(1, contact_id=person.id)]
    held = await directory.records_of(uow, person.id)
    assert held["person"]["email"] == "aino@example.fi" and not uow.audit.entries
    assert held["published_snapshot"]["contact_id"] == person.id
    exported = await directory.export_person(uow, person.id, actor=EDITOR)
    assert exported == held
    (entry,) = uow.audit.entries
    assert (entry.actor, entry.action, entry.target_id) == (
        EDITOR,
        "person.exported",
        str(person.id),
    )
    with pytest.raises(NotFound):
        await directory.export_person(uow, uuid.UUID(int=404), actor=EDITOR)
    assert len(uow.audit.entries) == 1
