"""The materials of a result's weakest areas, read from the replica."""

from __future__ import annotations

from collections.abc import Sequence

from surveys.materials.domain import Link, links_by_area
from surveys.unit_of_work import SurveysUnitOfWork


async def for_areas(
    uow: SurveysUnitOfWork, *, areas: Sequence[str], lang: str
) -> dict[str, list[Link]]:
    """Up to a few materials per area, in `lang` (read in an open unit of work)."""
    found = await uow.materials.listed_for_areas(areas)
    return links_by_area(found, areas, lang)
