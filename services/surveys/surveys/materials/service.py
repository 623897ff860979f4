"""The replica of the newsletter's materials: kept from its events, read for the materials of
a result's weakest areas."""

from __future__ import annotations

from collections.abc import Sequence

from shared.events.materials import MaterialV1
from surveys.materials.domain import Link, links_by_area, replica_row
from surveys.unit_of_work import SurveysUnitOfWork


async def for_areas(
    uow: SurveysUnitOfWork, *, areas: Sequence[str], lang: str
) -> dict[str, list[Link]]:
    """Up to a few materials per area, in `lang` (read in an open unit of work)."""
    found = await uow.materials.listed_for_areas(areas)
    return links_by_area(found, areas, lang)


async def replicate(uow: SurveysUnitOfWork, *, materials: Sequence[MaterialV1]) -> None:
    """Newest version per material wins (a redelivered or older record changes nothing);
    only a published, unarchived material is listed."""
    async with uow:
        await uow.materials.upsert([replica_row(m) for m in materials])
        await uow.commit()
