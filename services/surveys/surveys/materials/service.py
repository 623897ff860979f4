"""The materials of a result's weakest areas, read from the replica."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.materials import repository
from surveys.materials.domain import Link, links_by_area


async def for_areas(
    conn: AsyncConnection, areas: Sequence[str], lang: str
) -> dict[str, list[Link]]:
    found = await repository.listed_for_areas(conn, areas)
    return links_by_area(found, areas, lang)
