"""Staff notes in the domain: text rules and exactly one subject."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.errors import InvalidInput
from contacts.notes.domain import MAX_NOTE, Note, note_text

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def test_note_text_keeps_markup_and_newlines_but_drops_control_characters() -> None:
    assert note_text("  <b>Soitti</b>\r\nrivi\x00 2\x1b ") == "<b>Soitti</b>\nrivi 2"


@pytest.mark.parametrize("raw", ["", "   \n\t", "\x00\x07", "x" * (MAX_NOTE + 1)])
def test_empty_or_too_long_note_is_refused_naming_the_text_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        note_text(raw)
    assert refused.value.field == "text"


def test_note_is_about_exactly_one_person_or_organisation() -> None:
    someone, org = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(InvalidInput):
        Note.new(text="x", author="s", at=NOW)
    with pytest.raises(InvalidInput):
        Note.new(text="x", author="s", at=NOW, person_id=someone, organisation_id=org)
    note = Note.new(text=" Tavattu messuilla ", author="s1", at=NOW, organisation_id=org)
    assert (note.text, note.author, note.organisation_id, note.person_id) == (
        "Tavattu messuilla",
        "s1",
        org,
        None,
    )
