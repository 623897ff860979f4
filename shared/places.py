"""Finland's regions and municipalities by code, with their names (fi/sv/en), for services
other than contacts (which keeps its own classification module with search and validation).

The same `shared/data/classification_2025.json` that contacts' classification module reads
(source and licence in `shared/data/README.md`); events shows names, never codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "classification_2025.json"


@dataclass(frozen=True)
class Place:
    code: str
    names: dict[str, str]
    region_code: str = ""

    def name(self, lang: str = "fi") -> str:
        return self.names.get(lang) or self.names["fi"]


@dataclass(frozen=True)
class Places:
    regions: dict[str, Place]
    municipalities: dict[str, Place]

    def region_name(self, code: str | None, lang: str = "fi") -> str:
        place = self.regions.get(code or "")
        return place.name(lang) if place else ""

    def municipality_name(self, code: str | None, lang: str = "fi") -> str:
        place = self.municipalities.get(code or "")
        return place.name(lang) if place else ""

    def region_of(self, municipality_code: str | None) -> str | None:
        place = self.municipalities.get(municipality_code or "")
        return place.region_code if place else None

    def sorted_regions(self, lang: str = "fi") -> list[Place]:
        return sorted(self.regions.values(), key=lambda p: p.name(lang))

    def sorted_municipalities(self, lang: str = "fi") -> list[Place]:
        return sorted(self.municipalities.values(), key=lambda p: p.name(lang))


@cache
def places() -> Places:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    regions = {r["code"]: Place(code=r["code"], names=dict(r["names"])) for r in data["regions"]}
    municipalities = {
        m["code"]: Place(code=m["code"], names=dict(m["names"]), region_code=m["region_code"])
        for m in data["municipalities"]
    }
    return Places(regions=regions, municipalities=municipalities)


def region_shown(value: str | None, lang: str = "fi") -> str:
    """A region as a reader sees it: a code becomes its name in `lang`; anything else (a name
    already, or empty) stays as it is. Replicas keep codes, mails and pages show names."""
    return places().region_name(value, lang) or (value or "")
