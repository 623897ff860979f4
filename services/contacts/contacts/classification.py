"""Finland's regions (maakunta) and municipalities (kunta), one classification per year.

The data ships as ``shared/data/classification_<year>.json`` (see ``shared/data/README.md``
for its source and licence), one copy for every service; ``shared/places.py`` reads the same
file for the services that only show names. Codes are Statistics Finland's: two digits for
a region ("01" Uusimaa), three for a municipality ("091" Helsinki). They are not ISO 3166-2.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from contacts.errors import InvalidInput
from shared.collation import sort_key

SEARCH_LANGUAGES = ("fi", "sv", "en")


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form for matching: "Jyväskylä" -> "jyvaskyla"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


@dataclass(frozen=True)
class Region:
    code: str
    names: dict[str, str]

    def name(self, lang: str = "fi") -> str:
        return self.names.get(lang) or self.names["fi"]


@dataclass(frozen=True)
class Municipality:
    code: str
    names: dict[str, str]
    region_code: str

    def name(self, lang: str = "fi") -> str:
        """The name in ``lang``; municipalities have fi and sv names, English falls back to fi."""
        return self.names.get(lang) or self.names["fi"]


class Classification:
    """One year's regions and municipalities, ordered by code."""

    def __init__(
        self,
        year: int,
        regions: list[Region],
        municipalities: list[Municipality],
        *,
        source: str = "",
        licence: str = "",
    ) -> None:
        self.year = year
        self.source = source
        self.licence = licence
        self.regions: tuple[Region, ...] = tuple(sorted(regions, key=lambda r: r.code))
        self.municipalities: tuple[Municipality, ...] = tuple(
            sorted(municipalities, key=lambda m: m.code)
        )
        self._regions = {r.code: r for r in self.regions}
        self._municipalities = {m.code: m for m in self.municipalities}
        if len(self._regions) != len(regions) or len(self._municipalities) != len(municipalities):
            raise ValueError(f"classification {year} has duplicate codes")
        orphans = [m.code for m in self.municipalities if m.region_code not in self._regions]
        if orphans:
            raise ValueError(f"classification {year}: municipalities without a region: {orphans}")

    def region(self, code: str) -> Region:
        try:
            return self._regions[code.strip()]
        except KeyError:
            raise InvalidInput(
                f"Unknown region code {code!r} for {self.year}.", field="region_code"
            ) from None

    def municipality(self, code: str) -> Municipality:
        try:
            return self._municipalities[code.strip()]
        except KeyError:
            raise InvalidInput(
                f"Unknown municipality code {code!r} for {self.year}.", field="municipality_code"
            ) from None

    def region_of(self, municipality_code: str) -> Region:
        return self._regions[self.municipality(municipality_code).region_code]

    def regions_by_name(self, lang: str = "fi") -> list[Region]:
        """For pickers: in the alphabet of `lang` (Åland after Varsinais-Suomi in Finnish)."""
        return sorted(self.regions, key=lambda r: (sort_key(r.name(lang), lang), r.code))

    def municipalities_by_name(self, lang: str = "fi") -> list[Municipality]:
        """For pickers: in the alphabet of `lang` ("Ähtäri" after "Ylöjärvi" in Finnish)."""
        return sorted(self.municipalities, key=lambda m: (sort_key(m.name(lang), lang), m.code))

    def municipalities_in(self, region_code: str) -> tuple[Municipality, ...]:
        region = self.region(region_code)
        return tuple(m for m in self.municipalities if m.region_code == region.code)

    def search_municipalities(self, text: str, lang: str = "fi") -> list[Municipality]:
        """Municipalities whose name contains ``text``, ignoring case and diacritics.

        Names that start with the text come first, then those that contain it; each group is
        sorted by the name in ``lang``, in its alphabet. The name in ``lang`` is matched, and
        the other language's names too (someone typing "Åbo" in Finnish still finds Turku). An empty
        query finds nothing.
        """
        if lang not in SEARCH_LANGUAGES:
            raise InvalidInput("Language must be fi, sv or en.", field="language")
        needle = fold(text)
        if not needle:
            return []
        prefix: list[Municipality] = []
        contains: list[Municipality] = []
        for municipality in self.municipalities:
            own = fold(municipality.name(lang))
            others = [fold(n) for n in municipality.names.values()]
            if own.startswith(needle) or any(n.startswith(needle) for n in others):
                prefix.append(municipality)
            elif needle in own or any(needle in n for n in others):
                contains.append(municipality)

        def key(m: Municipality) -> tuple[tuple[str, str, str], str]:
            return (sort_key(m.name(lang), lang), m.code)

        return sorted(prefix, key=key) + sorted(contains, key=key)


def _names(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("fi"), str):
        raise ValueError(f"{where}: names must be an object with at least 'fi'")
    return {str(lang): str(name) for lang, name in raw.items()}


def parse_classification(data: dict[str, Any]) -> Classification:
    regions = [
        Region(code=str(r["code"]), names=_names(r["names"], f"region {r['code']}"))
        for r in data["regions"]
    ]
    municipalities = [
        Municipality(
            code=str(m["code"]),
            names=_names(m["names"], f"municipality {m['code']}"),
            region_code=str(m["region_code"]),
        )
        for m in data["municipalities"]
    ]
    return Classification(
        int(data["year"]),
        regions,
        municipalities,
        source=str(data.get("source", "")),
        licence=str(data.get("licence", "")),
    )


def load_classification(year: int = 2025) -> Classification:
    """The shipped classification for ``year``; loaded once per process."""
    return _load(int(year))


@cache
def _load(year: int) -> Classification:
    resource = resources.files("shared").joinpath("data", f"classification_{year}.json")
    if not resource.is_file():
        raise InvalidInput(f"No region classification for {year}.", field="year")
    data = json.loads(resource.read_text(encoding="utf-8"))
    classification = parse_classification(data)
    if classification.year != year:
        raise ValueError(f"classification_{year}.json says year {classification.year}")
    return classification
