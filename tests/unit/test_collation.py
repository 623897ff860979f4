"""Names in the alphabet of the page's language: Finnish and Swedish end with Å, Ä, Ö."""

from __future__ import annotations

import pytest
from contacts.classification import load_classification

from shared.collation import COLLATIONS, collation, sort_key


def ordered(names: list[str], lang: str) -> list[str]:
    return sorted(names, key=lambda n: sort_key(n, lang))


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_nordic_letters_come_after_z_in_finnish_and_swedish(lang: str) -> None:
    names = ["Östersundom", "Åbo", "Ähtäri", "Ylöjärvi", "Zeta", "Aura", "Vantaa"]
    assert ordered(names, lang) == [
        "Aura",
        "Vantaa",
        "Ylöjärvi",
        "Zeta",
        "Åbo",
        "Ähtäri",
        "Östersundom",
    ]


def test_english_sorts_plainly_accents_aside() -> None:
    names = ["Östersundom", "Åbo", "Ähtäri", "Ylöjärvi", "Zeta", "Akaa"]
    assert ordered(names, "en") == ["Åbo", "Ähtäri", "Akaa", "Östersundom", "Ylöjärvi", "Zeta"]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_case_and_accents_do_not_move_a_name_out_of_its_letter(lang: str) -> None:
    # é is an e, ü is a y, æ an ä and ø an ö; lower and upper case sort together.
    assert ordered(["Eva", "émile", "Ulla", "über", "Yrjö", "ylva"], lang) == [
        "émile",
        "Eva",
        "Ulla",
        "über",
        "ylva",
        "Yrjö",
    ]
    assert ordered(["Øystein", "Ærø", "Åse", "Ödön"], lang) == ["Åse", "Ærø", "Ödön", "Øystein"]


def test_a_name_and_its_decomposed_spelling_sort_alike() -> None:
    composed, decomposed = "Ähtäri", "A\u0308hta\u0308ri"
    assert sort_key(composed, "fi")[0] == sort_key(decomposed, "fi")[0]
    assert ordered(["Zeta", decomposed], "fi") == ["Zeta", decomposed]


def test_lower_case_comes_first_when_only_case_differs_as_in_icu() -> None:
    assert ordered(["Eva", "eva"], "fi") == ["eva", "Eva"]


def test_empty_names_sort_first_and_none_is_empty() -> None:
    assert ordered(["Aalto", "", "Öhman"], "fi") == ["", "Aalto", "Öhman"]
    assert sort_key(None, "fi") == sort_key("", "fi")


def test_every_language_has_an_icu_collation_and_unknown_falls_back_to_finnish() -> None:
    assert set(COLLATIONS) == {"fi", "sv", "en"}
    assert all(c.endswith("-x-icu") for c in COLLATIONS.values())
    assert collation("de") == collation("fi") == "fi-FI-x-icu"


def test_municipality_picker_puts_ahtari_after_ylojarvi_in_finnish() -> None:
    names = [m.name("fi") for m in load_classification().municipalities_by_name("fi")]
    assert names.index("Ylöjärvi") < names.index("Ähtäri") < names.index("Äänekoski")
    assert names[-1] == "Äänekoski"  # no Ö municipality in Finnish


def test_municipality_picker_puts_abo_after_z_in_swedish_and_first_in_english() -> None:
    sv = [m.name("sv") for m in load_classification().municipalities_by_name("sv")]
    assert sv.index("Vörå") < sv.index("Åbo") < sv.index("Övertorneå")
    assert sv[0] != "Åbo"
    en = [m.name("en") for m in load_classification().municipalities_by_name("en")]
    assert en.index("Ähtäri") < en.index("Akaa")  # English: Ä is an A


def test_region_picker_sorts_by_name_not_code() -> None:
    fi = [r.name("fi") for r in load_classification().regions_by_name("fi")]
    assert fi[0] == "Ahvenanmaa" and fi[-1] == "Varsinais-Suomi"
    sv = [r.name("sv") for r in load_classification().regions_by_name("sv")]
    assert sv[-1] == "Österbotten"


def test_municipality_search_sorts_its_hits_in_the_alphabet() -> None:
    hits = [m.name("sv") for m in load_classification().search_municipalities("ö", "sv")]
    # Names starting with o/ö (or whose Finnish name does: Uleåborg = Oulu) first, Ö after O.
    assert hits.index("Outokumpu") < hits.index("Östermark") < hits.index("Övertorneå")
    assert hits.index("Övertorneå") < hits.index("Askola")
