"""Self-assessment results and the areas' names in contacts' own tables."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import assessment_areas, assessment_results

LANGS = ("fi", "sv", "en")


class AssessmentRepository(Protocol):
    """Identified self-assessment results (one per attempt) and the areas' names."""

    async def add_result(
        self,
        *,
        attempt_id: uuid.UUID,
        assessment_id: uuid.UUID,
        person_id: uuid.UUID | None,
        taken_on: date,
        percents: Mapping[str, int],
    ) -> bool:
        """False when the attempt is held already."""

    async def latest_result(self, person_id: uuid.UUID) -> tuple[uuid.UUID, dict[str, int]] | None:
        """(attempt, percents) of the person's latest result: the latest day, then received
        last."""

    async def save_area_names(self, names: Mapping[str, Mapping[str, str]]) -> None:
        """names: language -> area key -> name; the latest result's names win."""

    async def area_names(self, lang: str = "fi") -> dict[str, str]:
        """Area key -> its name in `lang` (Finnish when that one is missing)."""


class SqlAssessments:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add_result(
        self,
        *,
        attempt_id: uuid.UUID,
        assessment_id: uuid.UUID,
        person_id: uuid.UUID | None,
        taken_on: date,
        percents: Mapping[str, int],
    ) -> bool:
        return await add_result(
            self._conn,
            attempt_id=attempt_id,
            assessment_id=assessment_id,
            person_id=person_id,
            taken_on=taken_on,
            percents=percents,
        )

    async def latest_result(self, person_id: uuid.UUID) -> tuple[uuid.UUID, dict[str, int]] | None:
        return await latest_result(self._conn, person_id)

    async def save_area_names(self, names: Mapping[str, Mapping[str, str]]) -> None:
        await save_area_names(self._conn, names)

    async def area_names(self, lang: str = "fi") -> dict[str, str]:
        return await area_names(self._conn, lang)


async def add_result(
    conn: AsyncConnection,
    *,
    attempt_id: uuid.UUID,
    assessment_id: uuid.UUID,
    person_id: uuid.UUID | None,
    taken_on: date,
    percents: Mapping[str, int],
) -> bool:
    """False when the attempt is held already."""
    stmt = (
        insert(assessment_results)
        .values(
            attempt_id=attempt_id,
            assessment_id=assessment_id,
            person_id=person_id,
            taken_on=taken_on,
            percents=dict(percents),
        )
        .on_conflict_do_nothing(index_elements=[assessment_results.c.attempt_id])
    )
    return (await conn.execute(stmt)).rowcount == 1


async def latest_result(
    conn: AsyncConnection, person_id: uuid.UUID
) -> tuple[uuid.UUID, dict[str, int]] | None:
    """(attempt, percents) of the person's latest result: the latest day, then received last."""
    t = assessment_results
    stmt = (
        select(t.c.attempt_id, t.c.percents)
        .where(t.c.person_id == person_id)
        .order_by(t.c.taken_on.desc(), t.c.received_at.desc(), t.c.attempt_id)
        .limit(1)
    )
    row = (await conn.execute(stmt)).first()
    return (row.attempt_id, dict(row.percents)) if row else None


async def save_area_names(conn: AsyncConnection, names: Mapping[str, Mapping[str, str]]) -> None:
    """names: language -> area key -> name; the latest result's names win."""
    rows = [
        {f"name_{lang}": names.get(lang, {}).get(key, "") for lang in LANGS} | {"key": key}
        for key in sorted(names.get("fi", {}))
    ]
    if not rows:
        return
    stmt = insert(assessment_areas).values(rows)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[assessment_areas.c.key],
            set_={f"name_{lang}": stmt.excluded[f"name_{lang}"] for lang in LANGS},
        )
    )


async def area_names(conn: AsyncConnection, lang: str = "fi") -> dict[str, str]:
    """Area key -> its name in `lang` (Finnish when that one is missing)."""
    t = assessment_areas
    column = t.c[f"name_{lang if lang in LANGS else 'fi'}"]
    rows = (await conn.execute(select(t.c.key, t.c.name_fi, column.label("name")))).all()
    return {r.key: r.name or r.name_fi for r in rows}
