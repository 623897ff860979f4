"""Domain rules of tags, merging duplicates and engagement days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from contacts.errors import InvalidInput
from contacts.merging.domain import merged_person, more_advanced
from contacts.people.domain.person import Person
from contacts.tags.domain import clean_tag


def test_tag_names_are_trimmed_and_bounded() -> None:
    assert clean_tag("  Puhuja   2025 ") == "Puhuja 2025"
    for bad in ("", "   ", "x" * 61):
        with pytest.raises(InvalidInput):
            clean_tag(bad)


def test_merge_takes_chosen_fields_and_unites_topics_and_tags() -> None:
    keep = replace(Person.new(email="a@example.fi", first_name="Aino"), topics=("a",), tags=("t1",))
    other = replace(
        Person.new(email="b@example.fi", first_name="Aina"),
        topics=("b",),
        tags=("t2",),
        phone="+358401234567",
        version=7,
        subscription_state="subscribed",
        newsletter_consent=True,
        last_engaged_on=date(2026, 1, 2),
    )
    merged = merged_person(keep, other, from_other=["phone", "subscription"])
    assert (merged.id, merged.email, merged.first_name) == (keep.id, "a@example.fi", "Aino")
    assert (merged.phone, merged.subscription_state, merged.newsletter_consent) == (
        "+358401234567",
        "subscribed",
        True,
    )
    assert (merged.topics, merged.tags) == (("a", "b"), ("t1", "t2"))
    assert merged.last_engaged_on == date(2026, 1, 2)
    assert merged.version == 8  # above both records' versions


def test_merge_refuses_unknown_fields_and_itself() -> None:
    keep = Person.new(email="a@example.fi")
    with pytest.raises(InvalidInput):
        merged_person(keep, Person.new(email="b@example.fi"), from_other=["version"])
    with pytest.raises(InvalidInput):
        merged_person(keep, keep, from_other=[])


def test_active_membership_is_more_advanced_than_pending_or_none() -> None:
    assert more_advanced("pending", "active")
    assert more_advanced(None, "left")
    assert not more_advanced("active", "paused")
    assert not more_advanced("declined", None)


def test_engagement_moves_forward_once_per_day() -> None:
    person = Person.new(email="a@example.fi")
    first = person.engaged(date(2026, 3, 2))
    assert first is not None and first.version == person.version + 1
    assert first.engaged(date(2026, 3, 2)) is None
    assert first.engaged(date(2026, 3, 1)) is None
