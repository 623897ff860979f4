"""The materials library's rules: link schemes, languages, files by content, search words,
and the surveys side's choice of materials per weak area."""

from __future__ import annotations

import io
import zipfile

import pytest
from newsletter.errors import InvalidInput
from newsletter.materials.domain import (
    MAX_TERMS,
    MaterialInput,
    check,
    check_file,
    clean_link,
    search_terms,
    sniff,
    text_in,
    tsquery_of,
)
from surveys.assessment.defaults import AREAS
from surveys.materials.domain import links_by_area

from shared.competence_areas import COMPETENCE_AREAS

pytestmark = pytest.mark.unit


def given(**changes: object) -> MaterialInput:
    base: dict[str, object] = {
        "kind": "guide",
        "title": {"fi": "Tietoturvaopas"},
        "url": "https://dvv.fi/opas",
    }
    return MaterialInput(**(base | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url", ["https://dvv.fi/digituki", "http://example.fi/a?b=1#c", "HTTPS://Example.FI/x"]
)
def test_http_and_https_links_are_kept(url: str) -> None:
    assert clean_link(f"  {url} ") == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "mailto:digituki@dvv.fi",
        "ftp://dvv.fi/file",
        "//dvv.fi/relative",
        "/materials/1",
        "https://",
        "https://dvv.fi/a b",
        "https://dvv.fi/" + "a" * 2001,
    ],
)
def test_other_links_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        clean_link(url)
    assert raised.value.field == "url"


def test_a_material_needs_a_title_in_some_language() -> None:
    with pytest.raises(InvalidInput) as raised:
        check(given(title={"fi": "  ", "sv": ""}), has_file=False)
    assert raised.value.field == "title-fi"


def test_a_swedish_title_alone_is_enough() -> None:
    checked = check(given(title={"sv": "Säkerhetsguide"}), has_file=False)
    assert checked.title == {"sv": "Säkerhetsguide"}


def test_a_description_needs_its_title_in_the_same_language() -> None:
    with pytest.raises(InvalidInput) as raised:
        check(given(description={"en": "A guide"}), has_file=False)
    assert raised.value.field == "title-en"


def test_a_material_is_a_file_or_a_link_never_both_nor_neither() -> None:
    with pytest.raises(InvalidInput, match="not both"):
        check(given(), has_file=True)
    with pytest.raises(InvalidInput, match="file or a link"):
        check(given(url=""), has_file=False)
    assert check(given(url=""), has_file=True).url is None


def test_unknown_kinds_audiences_and_areas_are_refused() -> None:
    for changes, field in (
        ({"kind": "podcast"}, "kind"),
        ({"audiences": ("everyone",)}, "audiences"),
        ({"areas": ("cooking",)}, "areas"),
        ({"topics": ("Not a key!",)}, "topics"),
    ):
        with pytest.raises(InvalidInput) as raised:
            check(given(**changes), has_file=False)
        assert raised.value.field == field


def test_choices_come_back_in_the_vocabulary_order_once_each() -> None:
    checked = check(
        given(areas=("guidance", "devices", "guidance"), topics=("b-topic", "a-topic")),
        has_file=False,
    )
    assert checked.areas == ["devices", "guidance"]
    assert checked.topics == ["a-topic", "b-topic"]


def test_texts_fall_back_to_another_language() -> None:
    assert text_in({"fi": "Opas", "en": "Guide"}, "sv") == "Opas"
    assert text_in({"en": "Guide"}, "fi") == "Guide"
    assert text_in({"fi": "Opas", "sv": "Guide"}, "sv") == "Guide"


def ooxml(folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<x/>")
    return out.getvalue()


def test_files_are_known_by_their_content_not_their_name() -> None:
    assert sniff(b"%PDF-1.7\n...").ext == "pdf"  # type: ignore[union-attr]
    assert sniff(ooxml("ppt/")).ext == "pptx"  # type: ignore[union-attr]
    assert sniff(ooxml("word/")).ext == "docx"  # type: ignore[union-attr]
    assert sniff(b"<html><script>alert(1)</script>") is None
    assert sniff(b"PK\x03\x04 not really a zip") is None


def test_files_too_large_empty_or_unknown_are_refused() -> None:
    with pytest.raises(InvalidInput, match="larger"):
        check_file(b"%PDF-" + b"x" * 100, max_bytes=50)
    with pytest.raises(InvalidInput, match="Choose a file"):
        check_file(b"", max_bytes=50)
    with pytest.raises(InvalidInput, match="Upload a PDF"):
        check_file(b"MZ\x90\x00 an exe", max_bytes=50)


def test_search_words_keep_letters_and_digits_only() -> None:
    assert search_terms("Tietoturva & SUOMI.fi!") == ["tietoturva", "suomi", "fi"]
    assert search_terms("säkerhet, åtgärder") == ["säkerhet", "åtgärder"]
    assert search_terms("'); DROP TABLE materials; --") == ["drop", "table", "materials"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(30)))) == MAX_TERMS


def test_the_text_query_matches_every_word_as_a_prefix() -> None:
    assert tsquery_of("digi turva") == "digi:* & turva:*"
    assert tsquery_of("a|b !c") == "a:* & b:* & c:*"
    assert tsquery_of("  ...  ") == ""


def test_materials_tag_the_areas_of_the_default_self_assessment() -> None:
    assert list(COMPETENCE_AREAS) == [key for key, *_ in AREAS]
    assert [names for _, *names in AREAS] == [list(n) for n in COMPETENCE_AREAS.values()]


def test_each_weak_area_gets_at_most_three_materials_in_the_readers_language() -> None:
    found = [
        {
            "title": {"fi": f"Opas {i}", "sv": f"Guide {i}"},
            "url": f"https://x.fi/materials/{i}/open",
            "areas": ["devices", "guidance"] if i % 2 else ["devices"],
        }
        for i in range(5)
    ]
    links = links_by_area(found, ["devices", "guidance", "e_services"], "sv")
    assert [link.title for link in links["devices"]] == ["Guide 0", "Guide 1", "Guide 2"]
    assert [link.title for link in links["guidance"]] == ["Guide 1", "Guide 3"]
    assert links["e_services"] == []
    assert links["devices"][0].url == "https://x.fi/materials/0/open?lang=sv"
    english = links_by_area(found[:1], ["devices"], "en")["devices"][0]
    assert (english.title, english.lang) == ("Opas 0", "fi")
