"""The materials replica's rows: version-guarded upserts, and the materials of some areas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.tables import materials

UPDATED = ("version", "kind", "title", "url", "areas", "topics", "listed")


async def upsert(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Newest version per material wins, so a redelivered or older record changes nothing."""
    newest: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen = newest.get(row["material_id"])
        if seen is None or seen["version"] < row["version"]:
            newest[row["material_id"]] = row
    if not newest:
        return
    stmt = insert(materials).values(list(newest.values()))
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[materials.c.material_id],
            set_={c: stmt.excluded[c] for c in UPDATED} | {"updated_at": func.now()},
            where=materials.c.version < stmt.excluded.version,
        )
    )


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
