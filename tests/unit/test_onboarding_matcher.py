"""Join codes, the pasted-line matcher, onboarding states and the funnel arithmetic."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contacts.errors import Conflict
from contacts.onboarding.domain.onboarding import (
    CODE_ALPHABET,
    Candidate,
    JoinCode,
    Onboarding,
    codes_in,
    funnel_of,
    match_lines,
    new_join_code,
)

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
AINO, BERTIL, CECILIA = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CODES = {
    "AB2C-DE3F": JoinCode("AB2C-DE3F", AINO, NOW + timedelta(days=30)),
    "XY7Z-9KMN": JoinCode("XY7Z-9KMN", BERTIL, NOW - timedelta(days=1)),
    "PQ4R-ST5U": JoinCode("PQ4R-ST5U", CECILIA, NOW + timedelta(days=30), used_at=NOW),
}
EMAILS = {"bertil@kirjasto.example": BERTIL}
PEOPLE = [
    Candidate(AINO, "Aino Virtanen"),
    Candidate(BERTIL, "Bertil Lindqvist"),
    Candidate(CECILIA, "Cecilia Mäkinen"),
]


def matched(*lines: str) -> list[tuple[uuid.UUID | None, str | None, str | None]]:
    found = match_lines(lines, codes=CODES, emails=EMAILS, candidates=PEOPLE, now=NOW)
    return [(m.person_id, m.method, m.reason) for m in found]


def test_join_codes_avoid_ambiguous_characters_and_do_not_repeat() -> None:
    codes = {new_join_code() for _ in range(5000)}
    assert len(codes) == 5000
    for code in codes:
        raw = code.replace("-", "")
        assert len(raw) == 8 and set(raw) <= set(CODE_ALPHABET)
        assert not set(raw) & set("01OIL")
        assert sum(c.isdigit() for c in raw) >= 2


def test_codes_are_found_in_any_case_with_or_without_the_dash_but_names_are_not_codes() -> None:
    assert codes_in("Aino Virtanen – vastaus: ab2cde3f") == ["AB2C-DE3F"]
    assert codes_in("koodi AB2C-DE3F kiitos") == ["AB2C-DE3F"]
    assert codes_in("Tanskanen Hannukka") == []


def test_exact_code_wins_over_email_and_name_on_the_same_line() -> None:
    assert matched("Bertil Lindqvist bertil@kirjasto.example AB2C-DE3F") == [(AINO, "code", None)]


def test_email_then_name_with_confidence_when_there_is_no_code() -> None:
    found = match_lines(
        ["bertil@KIRJASTO.example", "Virtanen Aino", "Cecilia Makinen"],
        codes=CODES,
        emails=EMAILS,
        candidates=PEOPLE,
        now=NOW,
    )
    assert [(m.person_id, m.method) for m in found] == [
        (BERTIL, "email"),
        (AINO, "name"),
        (CECILIA, "name"),
    ]
    assert found[1].confidence == 1.0
    assert 0.8 <= found[2].confidence < 1.0


def test_expired_reused_and_mistyped_codes_are_unmatched_with_the_reason() -> None:
    assert matched("XY7Z-9KMN", "PQ4R-ST5U", "AB2C-DE3G", "Someone Unknown") == [
        (None, None, "expired_code"),
        (None, None, "reused_code"),
        (None, None, "unknown_code"),
        (None, None, "unknown"),
    ]


def test_the_same_code_twice_in_one_paste_matches_only_once() -> None:
    assert matched("AB2C-DE3F", "ab2c de3f") == [(AINO, "code", None), (None, None, "reused_code")]


def test_a_bad_code_still_falls_back_to_the_name_with_a_note() -> None:
    found = match_lines(
        ["Bertil Lindqvist XY7Z-9KMN"], codes=CODES, emails=EMAILS, candidates=PEOPLE, now=NOW
    )
    assert (found[0].person_id, found[0].method, found[0].note) == (BERTIL, "name", "expired_code")


def test_states_move_forward_and_a_decision_is_final() -> None:
    record = Onboarding(AINO).invited(at=NOW)
    assert record.requested(at=NOW).state == "requested"
    approved = record.requested(at=NOW).decided("approve", at=NOW, by="staff-1")
    assert (approved.state, approved.decided_by) == ("approved", "staff-1")
    assert approved.decided("approve", at=NOW, by="x") == approved
    with pytest.raises(Conflict):
        approved.decided("decline", at=NOW, by="x")
    with pytest.raises(Conflict):
        approved.invited(at=NOW)
    assert approved.left(at=NOW).state == "left"


def test_reminders_are_due_after_n_days_and_at_most_m_times() -> None:
    after = timedelta(days=7)
    record = Onboarding(AINO).invited(at=NOW)
    assert not record.due_for_reminder(now=NOW + timedelta(days=6), after=after, at_most=2)
    assert record.due_for_reminder(now=NOW + timedelta(days=7), after=after, at_most=2)
    twice = record.reminded(at=NOW).reminded(at=NOW)
    assert not twice.due_for_reminder(now=NOW + timedelta(days=30), after=after, at_most=2)
    approved = record.decided("approve", at=NOW, by=None)
    assert not approved.due_for_reminder(now=NOW + timedelta(days=30), after=after, at_most=2)


def test_funnel_counts_each_step_and_takes_medians_of_those_who_took_it() -> None:
    def person(req_h: float | None, dec_h: float | None, state: str) -> Onboarding:
        requested = NOW + timedelta(hours=req_h) if req_h is not None else None
        decided = NOW + timedelta(hours=dec_h) if dec_h is not None else None
        return Onboarding(
            uuid.uuid4(),
            state,
            invited_at=NOW,
            requested_at=requested,
            decided_at=decided,  # type: ignore[arg-type]
        )

    step = funnel_of(
        [
            person(None, None, "invited"),
            person(2, None, "requested"),
            person(4, 10, "approved"),
            person(10, 30, "approved"),
            person(1, 2, "declined"),
        ]
    )
    assert (step.invited, step.requested, step.approved) == (5, 4, 2)
    assert step.median_hours_to_request == 3.0  # median of 1, 2, 4, 10
    assert step.median_hours_to_approval == 13.0  # median of 6 and 20


def test_two_people_who_fit_a_line_equally_are_ambiguous_and_nobody_is_picked() -> None:
    twin = uuid.uuid4()
    people = [*PEOPLE, Candidate(twin, "Aino Virtanen")]  # same name (often same library)
    found = match_lines(
        ["Aino Virtanen", "virtanen aino", "Bertil Lindqvist"],
        codes=CODES,
        emails=EMAILS,
        candidates=people,
        now=NOW,
    )
    for line in found[:2]:
        assert (line.person_id, line.method, line.reason) == (None, None, "ambiguous")
        assert set(line.candidates) == {AINO, twin} and line.confidence == 1.0
    assert (found[2].person_id, found[2].reason, found[2].candidates) == (BERTIL, None, ())


def test_a_code_or_an_address_settles_what_the_name_alone_cannot() -> None:
    twin = uuid.uuid4()
    people = [*PEOPLE, Candidate(twin, "Bertil Lindqvist")]
    found = match_lines(
        ["Bertil Lindqvist bertil@kirjasto.example", "Bertil Lindqvist AB2C-DE3F"],
        codes=CODES,
        emails=EMAILS,
        candidates=people,
        now=NOW,
    )
    assert [(m.person_id, m.method) for m in found] == [(BERTIL, "email"), (AINO, "code")]


def test_a_clearly_closer_name_is_not_ambiguous() -> None:
    near = uuid.uuid4()
    people = [*PEOPLE, Candidate(near, "Aino Virtala")]
    found = match_lines(["Aino Virtanen"], codes={}, emails={}, candidates=people, now=NOW)
    assert (found[0].person_id, found[0].reason) == (AINO, None)
