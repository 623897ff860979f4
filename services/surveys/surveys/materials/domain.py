"""Which materials a self-assessment result links: up to PER_AREA per weak area, in the
respondent's language (a title in another language when that is all there is)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PER_AREA = 3
LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    lang: str  # the title's language


def title_in(titles: Mapping[str, str], lang: str) -> tuple[str, str]:
    for code in (lang, *LANGUAGES):
        if titles.get(code):
            return str(titles[code]), code
    return "", lang


def links_by_area(
    found: Sequence[Mapping[str, Any]], areas: Sequence[str], lang: str, *, per_area: int = PER_AREA
) -> dict[str, list[Link]]:
    """`found` newest first; each area gets its first `per_area` materials."""
    out: dict[str, list[Link]] = {area: [] for area in areas}
    for material in found:
        title, title_lang = title_in(material["title"], lang)
        if not title:
            continue
        separator = "&" if "?" in material["url"] else "?"
        link = Link(title=title, url=f"{material['url']}{separator}lang={lang}", lang=title_lang)
        for area in material["areas"]:
            if area in out and len(out[area]) < per_area:
                out[area].append(link)
    return out


def replica_row(material: Any) -> dict[str, Any]:
    """A `newsletter.material.v1` record as the replica keeps it."""
    return {
        "material_id": material.material_id,
        "version": material.version,
        "kind": material.kind,
        "title": material.title,
        "url": material.url,
        "areas": material.competence_areas,
        "topics": material.topics,
        "listed": material.published and not material.archived,
    }
