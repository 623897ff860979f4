"""Guessing the import mapping from a file's header, and reading the staff's choices."""

from __future__ import annotations

import pytest
from contacts.errors import InvalidInput
from contacts.imports.domain.columns import chosen_mapping, guess_mapping


def test_finnish_swedish_and_english_headers_are_recognised() -> None:
    assert guess_mapping(["Sähköposti", "Etunimi", "Sukunimi", "Kieli", "Kunta", "Aiheet"]) == {
        "Sähköposti": "email",
        "Etunimi": "first_name",
        "Sukunimi": "last_name",
        "Kieli": "language",
        "Kunta": "municipality",
        "Aiheet": "topics",
    }
    assert guess_mapping(["E-post", "Förnamn", "Kommun"]) == {
        "E-post": "email",
        "Förnamn": "first_name",
        "Kommun": "municipality",
    }
    assert guess_mapping([" E-mail ", "First name", "last_name", "Notes"]) == {
        " E-mail ": "email",
        "First name": "first_name",
        "last_name": "last_name",
    }


def test_a_field_is_guessed_for_its_first_column_only() -> None:
    assert guess_mapping(["email", "Sähköposti"]) == {"email": "email"}


def test_choices_need_an_email_column_and_no_field_twice() -> None:
    columns = ["a", "b", "c"]
    assert chosen_mapping(columns, ["email", "", "title"]) == {"a": "email", "c": "title"}
    for choices in (["", "first_name", ""], ["email", "email", ""], ["email", "password", ""]):
        with pytest.raises(InvalidInput) as refused:
            chosen_mapping(columns, choices)
        assert refused.value.field == "mapping"
