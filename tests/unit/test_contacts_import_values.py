"""Reading spreadsheet words: places, languages, states and topics by name or code, near-miss
suggestions, organisations by business ID or name, and every row message in Finnish."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from contacts.classification import load_classification
from contacts.imports.domain import values
from contacts.imports.domain.organisations import known_from
from contacts.imports.domain.rows import RowProblem, check_rows, vocabulary
from contacts.imports.domain.values import RowError

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = uuid.UUID(int=1)
NGO = uuid.UUID(int=2)
CALL = r"(?:refuse|RowProblem|Problem|_refuse)\(\s*"
TOPICS = [("webinaarit", ("webinaarit", "Webinaarit", "Webbinarier", "Webinars"))]


def vocab(**kwargs: object) -> values.Matcher:
    return vocabulary(topics=TOPICS, **kwargs)  # type: ignore[return-value,arg-type]


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Helsinki", "091"),
        ("helsingfors", "091"),
        ("  HELSINKI ", "091"),
        ("091", "091"),
        ("91", "091"),
        ("091 Helsinki", "091"),
        ("Jyvaskyla", "179"),
        ("Åbo", "853"),
        ("Mustasaari", "499"),
        ("Korsholm", "499"),
    ],
)
def test_municipality_by_finnish_or_swedish_name_or_code(cell: str, code: str) -> None:
    assert values.municipalities(load_classification()).match(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Uusimaa", "01"), ("nyland", "01"), ("1", "01"), ("01", "01"), ("Österbotten", "15")],
)
def test_region_by_name_or_code(cell: str, code: str) -> None:
    assert values.regions(load_classification()).match(cell) == code


def test_a_near_miss_suggests_the_closest_names() -> None:
    matcher = values.municipalities(load_classification())
    with pytest.raises(RowError) as caught:
        matcher.match("Helsinkki")
    problem = caught.value.problem
    assert problem.params == {"value": "Helsinkki", "suggestions": "Helsinki"}
    assert problem.english == "Unknown municipality “Helsinkki”. Did you mean Helsinki?"
    with pytest.raises(RowError) as far:
        matcher.match("Atlantis")
    assert far.value.problem.english == "Unknown municipality “Atlantis”."
    with pytest.raises(RowError) as region:
        values.regions(load_classification()).match("Pirkanma")
    assert "Did you mean Pirkanmaa?" in region.value.problem.english


@pytest.mark.parametrize(
    ("cell", "lang"),
    [("fi", "fi"), ("Suomi", "fi"), ("svenska", "sv"), ("ruotsi", "sv"), ("English", "en")],
)
def test_language_by_name_or_code(cell: str, lang: str) -> None:
    assert values.languages().match(cell) == lang


@pytest.mark.parametrize(
    ("cell", "state"),
    [
        ("jäsen", "active"),
        ("Member", "active"),
        ("active", "active"),
        ("medlem", "active"),
        ("hakenut", "pending"),
        ("eronnut", "left"),
        ("ei jäsen", ""),
    ],
)
def test_membership_state_by_name_in_three_languages(cell: str, state: str) -> None:
    assert values.memberships().match(cell) == state


def rows_of(cells: list[dict[str, str]], **kwargs: object) -> list[tuple[object, list[str]]]:
    v = vocabulary(topics=TOPICS, **kwargs)  # type: ignore[arg-type]
    return [(row, [p.reason for p in problems]) for row, problems in check_rows(cells, v)]


def test_a_row_by_names_reads_every_field() -> None:
    [(row, problems)] = rows_of(
        [
            {
                "email": "Anna@Example.fi",
                "municipality": "Helsingfors",
                "region": "Nyland",
                "language": "ruotsi",
                "membership": "jäsen",
                "phone": "040 123 4567",
                "tags": "VIP; puhuja, vip",
                "topics": "Webinars",
            }
        ],
        tags=["vip"],
    )
    assert problems == []
    assert row.email == "anna@example.fi"  # type: ignore[attr-defined]
    assert (row.municipality, row.region, row.language) == ("091", "01", "sv")  # type: ignore[attr-defined]
    assert (row.membership, row.phone) == ("active", "+358401234567")  # type: ignore[attr-defined]
    assert row.tags == ("puhuja", "vip")  # type: ignore[attr-defined]  # stored spelling
    assert row.topics == ("webinaarit",)  # type: ignore[attr-defined]


def test_bad_cells_say_what_is_wrong_and_what_was_meant() -> None:
    [(row, problems)] = rows_of(
        [
            {
                "email": "b@example.fi",
                "municipality": "Helsinkki",
                "topics": "webinaari",
                "phone": "12ab",
                "membership": "membr",
            }
        ]
    )
    assert row is None
    assert problems == [
        "Phone number must not contain letters.",
        "Unknown municipality “Helsinkki”. Did you mean Helsinki?",
        "Unknown membership state “membr”. Did you mean member?",
        "Unknown topic “webinaari”. Did you mean webinaarit?",
    ]
    [(_, wrong_region)] = rows_of([{"email": "c@example.fi", "municipality": "091", "region": "6"}])
    assert wrong_region == ["Helsinki is in region Uusimaa, not in Pirkanmaa."]


def test_organisations_are_matched_by_business_id_or_name_and_new_ones_planned_once() -> None:
    directory = known_from([(LIBRARY, "Helmet-kirjastot", "0201256-6"), (NGO, "Enter ry", None)])
    cells = [
        {"email": "a@x.fi", "organisation": "helmet-KIRJASTOT"},  # by name, any case
        {"email": "b@x.fi", "business_id": "0201256-6"},  # by business ID alone
        {"email": "c@x.fi", "organisation": "Other name", "business_id": "0201256-6"},
        {"email": "d@x.fi", "organisation": "Uusi yhdistys ry", "municipality": "Tampere"},
        {"email": "e@x.fi", "organisation": "uusi  yhdistys RY"},  # the same new one
        {"email": "f@x.fi", "business_id": "1234567-8"},  # a bad check digit
        {"email": "g@x.fi", "business_id": "7654321-2"},  # unknown, and no name to create
        {"email": "h@x.fi", "organisation": "Enter ry", "business_id": "2345678-0"},
        {"email": "bad", "organisation": "Never created oy"},  # a bad row creates nothing
    ]
    v = vocabulary(organisations=directory)
    found = list(check_rows(cells, v))
    ids = [row.organisation.id if row and row.organisation else None for row, _ in found]
    assert ids[:3] == [LIBRARY, LIBRARY, LIBRARY]
    assert [row.organisation.new if row and row.organisation else None for row, _ in found][
        3:5
    ] == [
        "uusi yhdistys ry",
        "uusi yhdistys ry",
    ]
    assert [p.reason for p in found[5][1]] == [
        "Business ID is not valid: the check digit does not match."
    ]
    assert [p.reason for p in found[6][1]] == [
        "No organisation has business ID 7654321-2: add the organisation's name to create it."
    ]
    assert found[7][0] is not None  # a known name without a stored business ID matches
    assert v.organisations.matched == {LIBRARY: "Helmet-kirjastot", NGO: "Enter ry"}
    [new] = v.organisations.created.values()
    assert (new.name, new.municipality, new.first_row) == ("Uusi yhdistys ry", "837", 5)


def test_a_name_with_another_business_id_is_refused() -> None:
    directory = known_from([(LIBRARY, "Helmet-kirjastot", "0201256-6")])
    [(row, problems)] = [
        (r, [p.reason for p in ps])
        for r, ps in check_rows(
            [{"email": "a@x.fi", "organisation": "Helmet-kirjastot", "business_id": "7654321-2"}],
            vocabulary(organisations=directory),
        )
    ]
    assert row is None
    assert problems == ["Organisation “Helmet-kirjastot” has business ID 0201256-6, not 7654321-2."]


def _finnish() -> dict[str, str]:
    found: dict[str, str] = {}
    for po in (ROOT / "services/contacts/contacts/locale/fi/LC_MESSAGES").glob("*.po"):
        with po.open("rb") as f:
            for message in read_po(f, locale="fi"):
                if message.id and message.string:
                    found[str(message.id)] = str(message.string)
    return found


def _row_messages() -> set[str]:
    """Every English sentence a row problem can carry (literals of the import's domain, the
    suggestion texts, and the shared validators' fixed sentences it passes on)."""
    texts = {t for pair in values.UNKNOWN.values() for t in pair}
    sources = [
        "imports/domain/rows.py",
        "imports/domain/organisations.py",
        "people/domain/phone.py",
        "organisations/domain/business_id.py",
    ]
    for name in sources:
        source = (ROOT / "services/contacts/contacts" / name).read_text()
        for literal in re.findall(CALL + r'(?:\w+,\s*)*(?:"\w+",\s*)?"([^"]+)"\s*[,)]', source):
            if not re.fullmatch(r"[a-z_]+", literal):  # a field's name, not a sentence
                texts.add(literal)
        joined = re.findall(r'refuse\(\s*"([^"]+)"\s*"([^"]+)"', source)
        texts |= {a + b for a, b in joined}
    texts |= {"Business ID is not valid: the check digit does not match."}
    texts |= {"Phone number must start with 0 or with a country code (+358)."}
    texts |= {"Organisation name is longer than 200 characters.", "A tag is at most 60 characters."}
    return texts


def test_every_row_message_has_a_finnish_translation_with_the_same_placeholders() -> None:
    finnish = _finnish()
    messages = _row_messages()
    assert len(messages) > 20
    missing = sorted(m for m in messages if m not in finnish)
    assert not missing, missing
    for message in messages:
        assert set(re.findall(r"%\((\w+)\)s", message)) == set(
            re.findall(r"%\((\w+)\)s", finnish[message])
        ), message


def test_a_problem_reads_in_finnish() -> None:
    problem = RowProblem(
        3, "municipality", *values.UNKNOWN["municipality"][1:], {"value": "X", "suggestions": "Y"}
    )  # type: ignore[arg-type]
    finnish = _finnish()
    assert problem.said(lambda t: finnish.get(t, t)) == "Tuntematon kunta ”X”. Tarkoititko: Y?"
