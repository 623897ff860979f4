"""The materials replica's rows: version-guarded upserts, and the materials of some areas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.versioned import upsert_newest
from surveys.tables import materials


async def upsert(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Newest version per material wins, so a redelivered or older record changes nothing."""
    await upsert_newest(conn, materials, "material_id", rows, touched="updated_at")


async def listed_for_areas(conn: AsyncConnection, areas: Sequence[str]) -> list[dict[str, Any]]:
    """Listed materials tagged with any of `areas`, newest first."""
    if not areas:
        return []
    stmt = (
        select(materials.c.material_id, materials.c.title, materials.c.url, materials.c.areas)
        .where(materials.c.listed.is_(True), materials.c.areas.overlap(list(areas)))
        .order_by(materials.c.updated_at.desc(), materials.c.material_id)
        .limit(200)
    )
    return [dict(r._mapping) for r in (await conn.execute(stmt)).all()]


class MaterialsRepository(Protocol):
    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Newest version per material wins."""
        ...

    async def listed_for_areas(self, areas: Sequence[str]) -> list[dict[str, Any]]:
        """Listed materials (material_id, title, url, areas) tagged with any of `areas`."""
        ...


class SqlMaterialsRepository:
    """The materials replica on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        await upsert(self._conn, rows)

    async def listed_for_areas(self, areas: Sequence[str]) -> list[dict[str, Any]]:
        return await listed_for_areas(self._conn, areas)
