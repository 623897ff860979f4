"""Reading a file's header: which field each column probably holds, and the staff's choice.

The guess only pre-selects the mapping form; staff confirm or change it. Headers are compared
lower-cased with spaces, dashes and underscores removed, in Finnish, Swedish and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from contacts.errors import InvalidInput
from contacts.imports.domain.rows import FIELDS

_HEADERS: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "emailaddress",
        "e-mail",
        "mail",
        "sähköposti",
        "sähköpostiosoite",
        "sposti",
        "epost",
        "epostadress",
        "e-post",
    ),
    "first_name": ("firstname", "givenname", "forename", "etunimi", "förnamn", "fornamn"),
    "last_name": ("lastname", "surname", "familyname", "sukunimi", "efternamn"),
    "language": ("language", "lang", "kieli", "asiointikieli", "språk", "sprak"),
    "title": ("title", "jobtitle", "titteli", "nimike", "tehtävänimike", "titel"),
    "phone": ("phone", "phonenumber", "mobile", "puhelin", "puhelinnumero", "puh", "telefon"),
    "municipality": ("municipality", "municipalitycode", "kunta", "kuntakoodi", "kommun"),
    "region": ("region", "regioncode", "maakunta", "maakuntakoodi", "landskap", "alue"),
    "organisation": (
        "organisation",
        "organization",
        "organisationname",
        "organisaatio",
        "organisaation nimi",
        "yhteisö",
        "työnantaja",
        "organisation namn",
        "organisationens namn",
    ),
    "business_id": ("businessid", "ytunnus", "y-tunnus", "fo-nummer", "fonummer", "business id"),
    "membership": ("membership", "membershipstate", "jäsenyys", "jäsenyyden tila", "medlemskap"),
    "tags": ("tags", "tag", "tunnisteet", "tunniste", "taggar", "tagg"),
    "topics": ("topics", "topic", "interests", "aiheet", "aihe", "kiinnostukset", "ämnen"),
}
# How staff see each field (English message ids, translated on the pages).
FIELD_LABELS = {
    "email": "Email address",
    "first_name": "First name",
    "last_name": "Last name",
    "language": "Language",
    "title": "Title",
    "phone": "Phone",
    "municipality": "Municipality",
    "region": "Region",
    "organisation": "Organisation",
    "business_id": "Business ID (Y-tunnus)",
    "membership": "Membership",
    "tags": "Tags",
    "topics": "Topics",
}
_BY_HEADER = {
    "".join(c for c in header if c not in " -_."): field
    for field, headers in _HEADERS.items()
    for header in headers
}


def _key(header: str) -> str:
    return "".join(c for c in header.strip().lower() if c not in " -_.")


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """column -> field for the headers recognised; a field goes to its first column only."""
    guessed: dict[str, str] = {}
    for column in columns:
        field = _BY_HEADER.get(_key(column))
        if field and field not in guessed.values():
            guessed[column] = field
    return guessed


def chosen_mapping(columns: Sequence[str], choices: Iterable[str]) -> dict[str, str]:
    """The form's choice per column (in column order; "" ignores it) as column -> field."""
    mapping: dict[str, str] = {}
    for column, field in zip(columns, choices, strict=False):
        if not field:
            continue
        if field not in FIELDS:
            raise InvalidInput("Choose a field from the list.", field="mapping")
        if field in mapping.values():
            raise InvalidInput("Two columns are mapped to the same field.", field="mapping")
        mapping[column] = field
    if "email" not in mapping.values():
        raise InvalidInput("Choose the column that holds the email address.", field="mapping")
    return mapping


def mapped_rows(
    rows: Iterable[Mapping[str, str]], mapping: Mapping[str, str], *, limit: int
) -> list[dict[str, str]]:
    """The first rows as the mapping reads them (field -> cell), before any check."""
    shown: list[dict[str, str]] = []
    for cells in rows:
        if len(shown) >= limit:
            break
        shown.append({field: cells.get(column, "") for column, field in mapping.items()})
    return shown
