"""Visit-request form and queue states, the onboarding state machine with `left` and the
member list, in plain Python."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.errors import Conflict, InvalidInput
from contacts.onboarding.domain.group_members import parse_member_csv
from contacts.onboarding.domain.onboarding import Onboarding
from contacts.visits.domain import VisitRequest, event_draft, parse_visit

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
TOPICS = {"ai", "security"}
GOOD = {
    "organisation": ["Kirjasto  Kirjava"],
    "contact_name": ["Aino Virtanen"],
    "email": ["Aino@Kirjasto.example"],
    "phone": ["040 123 4567"],
    "topic": ["ai"],
    "wished_dates": ["viikot 10–12"],
    "audience_size": ["25"],
    "message": ["  Tervetuloa!\n"],
    "language": ["sv"],
}


def test_a_complete_visit_form_is_cleaned_and_accepted() -> None:
    form, errors, _ = parse_visit(GOOD, known_topics=TOPICS)
    assert errors == {} and form is not None
    assert (form.organisation, form.email, form.phone) == (
        "Kirjasto Kirjava",
        "aino@kirjasto.example",
        "+358401234567",
    )
    assert (form.audience_size, form.message, form.language) == (25, "Tervetuloa!", "sv")
    assert form.first_and_last_name == ("Aino", "Virtanen")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation", ""),
        ("contact_name", " "),
        ("email", "not-an-address"),
        ("phone", "12"),
        ("topic", "gardening"),
        ("wished_dates", ""),
        ("audience_size", "many"),
        ("audience_size", "0"),
        ("message", "x" * 5001),
    ],
)
def test_each_bad_visit_field_gets_its_own_error(field: str, value: str) -> None:
    form, errors, shown = parse_visit({**GOOD, field: [value]}, known_topics=TOPICS)
    assert form is None
    assert list(errors) == [field]
    assert shown["organisation"] == ("" if field == "organisation" else "Kirjasto Kirjava")


def test_visit_requests_move_new_agreed_done_or_declined_only() -> None:
    form, _, _ = parse_visit(GOOD, known_topics=TOPICS)
    assert form is not None
    visit = VisitRequest(uuid.uuid4(), form, created_at=NOW)
    agreed = visit.acted("agree", at=NOW, by="staff-1", note="ti 10.3. klo 13")
    assert (agreed.state, agreed.state_changed_by, agreed.note) == (
        "agreed",
        "staff-1",
        "ti 10.3. klo 13",
    )
    done = agreed.acted("complete", at=NOW, by="staff-2")
    assert (done.state, done.note) == ("done", "ti 10.3. klo 13")
    assert visit.acted("decline", at=NOW, by="s").state == "declined"
    assert agreed.acted("decline", at=NOW, by="s").state == "declined"
    with pytest.raises(Conflict):
        visit.acted("complete", at=NOW, by="s")
    with pytest.raises(Conflict):
        done.acted("decline", at=NOW, by="s")
    assert done.acted("note", at=NOW, by="s", note="kiitos").note == "kiitos"


def test_onboarding_states_from_not_invited_to_left() -> None:
    person = uuid.uuid4()
    start = Onboarding(person)
    assert start.state == "not_invited"
    invited = start.invited(at=NOW)
    requested = invited.requested(at=NOW)
    assert (invited.state, requested.state) == ("invited", "requested")
    approved = requested.decided("approve", at=NOW, by="s")
    declined = requested.decided("decline", at=NOW, by="s")
    assert (approved.state, declined.state) == ("approved", "declined")
    left = approved.left(at=NOW)
    assert (left.state, left.left_at) == ("left", NOW)
    for not_a_member in (start, invited, requested, declined, left):
        with pytest.raises(Conflict):
            not_a_member.left(at=NOW)
    assert left.invited(at=NOW).state == "invited"  # may be invited again
    # On the group's member list: a member whatever we knew before.
    for before in (start, invited, declined, left):
        seen = before.in_group(at=NOW, by="admin")
        assert (seen.state, seen.decided_by, seen.left_at) == ("approved", "admin", None)
    assert approved.in_group(at=NOW, by="other") == approved


def test_member_csv_reads_named_columns_in_any_order_and_either_delimiter() -> None:
    rows = parse_member_csv(
        "\ufeffEmail;Nimi;Liittynyt\naino@x.example;Aino Virtanen;2026-01-02\n;;\n;Bertil B;\n"
    )
    assert [(r.number, r.name, r.email, r.joined) for r in rows] == [
        (1, "Aino Virtanen", "aino@x.example", "2026-01-02"),
        (3, "Bertil B", "", ""),
    ]
    assert rows[0].as_line() == "Aino Virtanen aino@x.example"
    with pytest.raises(InvalidInput):
        parse_member_csv("foo,bar\n1,2\n")
    with pytest.raises(InvalidInput):
        parse_member_csv("  ")


def test_an_agreed_visit_becomes_an_event_draft_without_the_requesters_message() -> None:
    visit = VisitRequest(
        id=uuid.UUID(int=7), form=parse_visit(GOOD, known_topics=TOPICS)[0], created_at=NOW
    )
    draft = event_draft(visit, municipality="091")
    assert draft == {
        "kind": "other",
        "format": "onsite",
        "title_fi": "Digituen vierailu: Kirjasto Kirjava",
        "organiser": "Kirjasto Kirjava",
        "languages": "sv",
        "from_visit": str(uuid.UUID(int=7)),
        "municipality": "091",
        "topics": "ai",
        "capacity": "25",
    }
    assert "municipality" not in event_draft(visit, municipality=None)
