"""The Markdown subset of the legal texts: what staff type never becomes markup or script."""

from __future__ import annotations

import pytest
from contacts.errors import InvalidInput
from contacts.legal.domain.markup import fill, to_html
from contacts.legal.domain.texts import RetentionPeriods, checked_texts, default_texts, parse_label


def test_blocks_and_inline_markup_become_html() -> None:
    html = to_html(
        "## Heading\n\nOne line\nsame paragraph.\n\n- **a**\n- [b](https://example.fi)\n\n"
        "Street 1 \\\nHelsinki"
    )
    assert html == (
        "<h2>Heading</h2>\n<p>One line same paragraph.</p>\n"
        '<ul><li><strong>a</strong></li><li><a href="https://example.fi">b</a></li></ul>\n'
        "<p>Street 1<br>\nHelsinki</p>"
    )


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '[x](https://a.fi" onmouseover="alert(1))',
        "[x](//evil.example/path)",
        "**<img src=x onerror=alert(1)>**",
    ],
)
def test_nothing_typed_becomes_markup_or_a_script_link(source: str) -> None:
    html = to_html(source)
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html and 'href="//' not in html
    assert '" onmouseover' not in html


def test_placeholders_are_filled_and_unknown_ones_stay() -> None:
    assert fill("{unconfirmed_days} days, {other}", {"unconfirmed_days": 30}) == "30 days, {other}"


def test_a_version_needs_every_language() -> None:
    with pytest.raises(InvalidInput, match="The sv text is empty"):
        checked_texts({"fi": "a", "sv": " ", "en": "b"})


def test_the_shipped_texts_exist_in_every_language_and_quote_the_retention_settings() -> None:
    for kind in ("accessibility", "privacy", "consent"):
        assert set(default_texts(kind)) == {"fi", "sv", "en"}
    assert all("{unconfirmed_days}" in t for t in default_texts("privacy").values())


def test_every_retention_period_is_quoted_and_filled_in_each_privacy_notice() -> None:
    periods = RetentionPeriods(30, 3, 13, 13, 90, 3, 91, 11)
    for lang, text in default_texts("privacy").items():
        filled = fill(text, periods.placeholders())
        for name in periods.placeholders():
            assert "{" + name + "}" in text, (lang, name)
        assert "{" not in filled, lang
        assert " 91 " in filled, lang


def test_labels_parse_only_for_their_kind() -> None:
    assert parse_label("consent-v2", "consent") == 2
    assert parse_label("privacy-v2", "consent") is None
    assert parse_label("consent-vx", "consent") is None
