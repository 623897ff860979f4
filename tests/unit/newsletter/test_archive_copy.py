"""The public copy of a campaign: personal fields gone with their spaces, a short summary."""

from __future__ import annotations

import pytest
from newsletter.archive.service import (
    PERSONAL_FIELD,
    SUMMARY_LENGTH,
    summary_of,
    without_personal_fields,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("filled", "public"),
    [
        (f"Hei {PERSONAL_FIELD}!", "Hei!"),
        (f"Hei {PERSONAL_FIELD}, tervetuloa", "Hei, tervetuloa"),
        (f"Tervetuloa, {PERSONAL_FIELD}.", "Tervetuloa."),
        (f"Kiitos: {PERSONAL_FIELD} {PERSONAL_FIELD}!", "Kiitos!"),
        (f"{PERSONAL_FIELD}, tervetuloa", ", tervetuloa"),
        (f"<p>Hej\u00a0{PERSONAL_FIELD} {PERSONAL_FIELD}!</p>", "<p>Hej!</p>"),
        ("Ei nimeä", "Ei nimeä"),
    ],
)
def test_personal_fields_leave_with_the_spaces_before_them(filled: str, public: str) -> None:
    assert without_personal_fields(filled) == public


def test_the_summary_is_the_preheader_else_the_start_of_the_text_cut_at_a_word() -> None:
    assert summary_of("Teksti", "Esiotsikko") == "Esiotsikko"
    assert summary_of("  Lyhyt\n\n teksti ") == "Lyhyt teksti"
    long = "sana " * 200
    cut = summary_of(long)
    assert cut.endswith(" …") and len(cut) <= SUMMARY_LENGTH + 2
    assert cut.removesuffix(" …").split(" ")[-1] == "sana"
