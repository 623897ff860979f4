"""Names of the materials library's choices in fi/sv/en (kinds, audiences, competence areas):
plain data, so the listing, the staff pages and the composer name them alike."""

from __future__ import annotations

from typing import Any

from shared.competence_areas import COMPETENCE_AREAS, area_name

_INDEX = {"fi": 0, "sv": 1, "en": 2}
KIND_NAMES: dict[str, tuple[str, str, str]] = {
    "guide": ("Opas", "Guide", "Guide"),
    "recording": ("Tallenne", "Inspelning", "Recording"),
    "slides": ("Diaesitys", "Presentation", "Slide set"),
    "other": ("Muu materiaali", "Annat material", "Other material"),
}
AUDIENCE_NAMES: dict[str, tuple[str, str, str]] = {
    "providers": ("Digituen tarjoajat", "De som ger digistöd", "Digital support providers"),
    "developers": (
        "Digituen kehittäjät",
        "De som utvecklar digistöd",
        "Digital support developers",
    ),
    "organisations": ("Organisaatiot", "Organisationer", "Organisations"),
    "public": (
        "Digitukea tarvitsevat",
        "De som behöver digistöd",
        "People who need digital support",
    ),
}


def _name(names: dict[str, tuple[str, str, str]], key: str, lang: str) -> str:
    found = names.get(key)
    return found[_INDEX.get(lang, 0)] if found else key


def kind_name(key: str, lang: str) -> str:
    return _name(KIND_NAMES, key, lang)


def audience_name(key: str, lang: str) -> str:
    return _name(AUDIENCE_NAMES, key, lang)


def area_choices(lang: str) -> list[tuple[str, str]]:
    return [(key, area_name(key, lang)) for key in COMPETENCE_AREAS]


def labels(lang: str) -> dict[str, Any]:
    return {
        "kinds": {k: kind_name(k, lang) for k in KIND_NAMES},
        "audiences": {k: audience_name(k, lang) for k in AUDIENCE_NAMES},
        "areas": dict(area_choices(lang)),
    }
