"""Event registrations in contacts: each change counts once, an older one never turns the state
back, the snapshot's event fields, titles in the reader's language; the segment builder offers
the event fields by name and reads them as words."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from contacts.participation.domain import (
    Change,
    Held,
    Registration,
    applied,
    day_of,
    engagement,
    steps,
    title_in,
)
from contacts.segments.builder import rule_of, state_of_form
from contacts.segments.service import vocabulary
from contacts.segments.vocabulary import check_values, describe

from shared.segments.rules import RuleError
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

REGISTRATION = uuid.UUID(int=1)
EVENT = uuid.UUID(int=2)
PERSON = uuid.UUID(int=3)
SERIES = uuid.UUID(int=2027)
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def change(kind: str, minutes: int = 0, person: uuid.UUID | None = PERSON) -> Change:
    return Change(
        registration_id=REGISTRATION,
        event_id=EVENT,
        person_id=person,
        series_id=SERIES,
        event_kind="digitaitoviikko",
        change=kind,
        at=T0 + timedelta(minutes=minutes),
    )


def run(*changes: Change) -> Registration | None:
    held: Registration | None = None
    for c in changes:
        held = applied(held, c) or held
    return held


def test_a_first_change_makes_the_registration_with_its_step() -> None:
    held = applied(None, change("waitlisted"))
    assert held is not None
    assert (held.state, held.state_at, held.first_at) == ("waitlisted", T0, T0)
    assert held.waitlisted_at == T0 and held.registered_at is None


def test_the_same_change_again_adds_nothing() -> None:
    held = applied(None, change("registered"))
    assert held is not None
    assert applied(held, change("registered")) is None


def test_promotion_cancellation_and_attendance_move_the_state_and_keep_each_step() -> None:
    held = run(change("waitlisted"), change("promoted", 5), change("attended", 60))
    assert held is not None
    assert held.state == "attended"
    assert (held.waitlisted_at, held.registered_at, held.attended_at) == (
        T0,
        T0 + timedelta(minutes=5),
        T0 + timedelta(minutes=60),
    )
    assert held.first_at == T0
    cancelled = run(change("registered"), change("cancelled", 10))
    assert cancelled is not None and cancelled.state == "cancelled"


def test_an_older_change_arriving_late_records_its_step_but_not_its_state() -> None:
    held = run(change("cancelled", 10), change("registered", 0))
    assert held is not None
    assert held.state == "cancelled"
    assert held.registered_at == T0 and held.first_at == T0
    assert applied(held, change("registered", 0)) is None  # and only once


def test_an_unknown_change_is_passed_over() -> None:
    assert applied(None, change("teleported")) is None


def test_a_person_learnt_later_is_kept_and_never_dropped() -> None:
    held = run(change("registered", person=None), change("attended", 30))
    assert held is not None and held.person_id == PERSON
    again = applied(held, change("cancelled", 40, person=None))
    assert again is not None and again.person_id == PERSON


def test_the_snapshot_fields_count_attendance_and_places_still_held() -> None:
    week, circle, other = "s-week", "s-circle", "s-other"
    found = engagement(
        [
            Held("attended", week, date(2027, 3, 4)),
            Held("attended", circle, date(2027, 2, 1)),
            Held("waitlisted", other, date(2027, 5, 1)),
            Held("cancelled", "s-gone", date(2027, 6, 1)),
            Held("registered", None, date(2027, 6, 1)),
        ]
    )
    assert found.last_attended_on == date(2027, 3, 4)
    assert found.registered_series == (circle, other, week)
    assert engagement([]).last_attended_on is None


def test_days_are_finnish_days() -> None:
    assert day_of(datetime(2027, 3, 1, 22, 30, tzinfo=UTC)) == date(2027, 3, 2)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("sv", "Digistödsveckan"), ("en", "Digital support week"), ("fi", "Digitaitoviikko")],
)
def test_a_title_reads_in_the_readers_language(lang: str, expected: str) -> None:
    titles = {"fi": "Digitaitoviikko", "sv": "Digistödsveckan", "en": "Digital support week"}
    assert title_in(titles, lang) == expected
    assert title_in({"sv": "Bara svenska"}, "en") == "Bara svenska"
    assert title_in({}, "fi") == ""


def test_steps_read_oldest_first() -> None:
    row = {
        "registered_at": T0 + timedelta(minutes=5),
        "waitlisted_at": T0,
        "cancelled_at": None,
        "attended_at": T0 + timedelta(days=3),
    }
    assert [kind for kind, _at in steps(row)] == [
        "event_waitlisted",
        "event_registered",
        "event_attended",
    ]


async def test_the_builder_offers_series_by_name_and_the_rule_reads_in_words() -> None:
    uow = FakeContactsUnitOfWork()
    sid = str(SERIES)
    uow.event_series.series[sid] = {"fi": "Digitaitoviikko 2027", "sv": "Digistödsveckan 2027"}
    names = await vocabulary(uow, lang="fi")
    assert names["registered_series"].options() == [(sid, "Digitaitoviikko 2027")]
    form = {
        "root.kind": ["all"],
        "n.0.field": ["registered_series"],
        "n.0.op": ["includes"],
        "n.0.value": [sid],
        "n.1.field": ["last_attended_on"],
        "n.1.op": ["within"],
        "n.1.value": ["180"],
    }
    rule, _places = rule_of(state_of_form(form))
    assert rule == {
        "all": [
            {"field": "registered_series", "op": "contains", "value": sid},
            {"field": "last_attended_on", "op": "within_days", "value": 180},
        ]
    }
    assert describe(rule, names) == (
        "Registered for an event series includes Digitaitoviikko 2027"
        " and Last attended an event within the last 180 days"
    )
    check_values(rule, names)
    with pytest.raises(RuleError, match="did you mean Digitaitoviikko 2027"):
        check_values(
            {"field": "registered_series", "op": "contains", "value": "Digistödsveckan 2027"},
            names,
        )
