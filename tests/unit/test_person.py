"""People: addresses are validated and unique case-insensitively; versions only grow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from contacts.errors import InvalidInput
from contacts.people.domain.person import Person, normalise_email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Aino.Virtanen@Example.FI ", "aino.virtanen@example.fi"),
        ("matti@ÄÄKKÖSET.fi", "matti@ääkköset.fi"),
        ("info@xn--kkset-fraa0m.fi", "info@ääkköset.fi"),
    ],
)
def test_addresses_are_normalised(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "plain", "a@", "@b.fi", "a@b", "x" * 250 + "@b.fi"])
def test_invalid_addresses_are_refused_with_the_field_named(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_email(raw)
    assert error.value.field == "email"


def test_language_must_be_one_of_the_three() -> None:
    with pytest.raises(InvalidInput) as error:
        Person.new(email="a@b.fi", language="de")
    assert error.value.field == "language"


def test_every_change_bumps_the_version() -> None:
    person = Person.new(email="a@b.fi", first_name="  Aino   Maria ")
    assert person.first_name == "Aino Maria"
    assert person.changed(first_name="Aina").version == person.version + 1


def test_withdrawing_one_purpose_keeps_the_other_and_none_left_unsubscribes() -> None:
    person = Person.new(email="a@example.fi", first_name="A", last_name="B").confirmed(
        at=datetime(2026, 1, 1, tzinfo=UTC), newsletter=True, surveys=True
    )
    only_surveys = person.withdrawn(["newsletter"])
    assert (
        only_surveys.subscription_state,
        only_surveys.newsletter_consent,
        only_surveys.survey_consent,
    ) == ("subscribed", False, True)
    assert only_surveys.version == person.version + 1
    nothing = only_surveys.withdrawn(["surveys"])
    assert (nothing.subscription_state, nothing.survey_consent) == ("unsubscribed", False)
    everything = person.withdrawn(["newsletter", "surveys"])
    assert everything.subscription_state == "unsubscribed"
