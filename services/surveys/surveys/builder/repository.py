"""Storing surveys."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.builder.domain.saved import SavedSurvey
from surveys.tables import surveys


async def add_survey(
    conn: AsyncConnection, survey_id: uuid.UUID, title: str, definition: dict[str, Any]
) -> None:
    await conn.execute(insert(surveys).values(id=survey_id, title=title, definition=definition))


async def save_survey(
    conn: AsyncConnection,
    survey_id: uuid.UUID,
    title: str,
    definition: dict[str, Any],
    *,
    expected_version: int | None = None,
) -> int | None:
    """The new version, or None when there is no such survey (or not at `expected_version`)."""
    where = [surveys.c.id == survey_id]
    if expected_version is not None:
        where.append(surveys.c.version == expected_version)
    result = await conn.execute(
        update(surveys)
        .where(*where)
        .values(
            title=title, definition=definition, version=surveys.c.version + 1, updated_at=func.now()
        )
        .returning(surveys.c.version)
    )
    version: int | None = result.scalar_one_or_none()
    return version


async def get_survey(conn: AsyncConnection, survey_id: uuid.UUID) -> dict[str, Any] | None:
    row = (await conn.execute(select(surveys).where(surveys.c.id == survey_id))).mappings().first()
    return dict(row) if row else None


async def list_surveys(conn: AsyncConnection) -> list[dict[str, Any]]:
    stmt = select(surveys.c.id, surveys.c.title, surveys.c.version, surveys.c.updated_at)
    rows = (await conn.execute(stmt.order_by(surveys.c.updated_at.desc()))).mappings().all()
    return [dict(r) for r in rows]


class SqlSurveyRepository:
    """The builder's surveys, as domain objects, on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, survey: SavedSurvey) -> None:
        await add_survey(self._conn, survey.id, survey.title, survey.definition)

    async def get(self, survey_id: uuid.UUID, *, for_update: bool = False) -> SavedSurvey | None:
        stmt = select(surveys.c.id, surveys.c.version, surveys.c.definition)
        stmt = stmt.where(surveys.c.id == survey_id)
        row = (await self._conn.execute(stmt.with_for_update() if for_update else stmt)).first()
        return (
            SavedSurvey(id=row.id, version=row.version, definition=row.definition) if row else None
        )

    async def update(self, survey: SavedSurvey) -> None:
        """Store a revision (made from the version before it)."""
        await save_survey(
            self._conn,
            survey.id,
            survey.title,
            survey.definition,
            expected_version=survey.version - 1,
        )

    async def listing(self) -> list[dict[str, Any]]:
        return await list_surveys(self._conn)
