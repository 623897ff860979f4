"""Storing surveys and campaigns."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.campaigns.domain import Campaign
from surveys.tables import campaigns, surveys


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


async def add_campaign(conn: AsyncConnection, campaign: Campaign) -> None:
    await conn.execute(
        insert(campaigns).values(
            id=campaign.id,
            survey_id=campaign.survey_id,
            name=campaign.name,
            mode=campaign.mode,
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            audience=campaign.audience,
            max_reminders=campaign.max_reminders,
            reminder_interval=campaign.reminder_interval,
            segments=list(campaign.segments),
            open_link=campaign.open_link,
        )
    )


def campaign_of(row: Any) -> Campaign:
    return Campaign(
        id=row.id,
        survey_id=row.survey_id,
        name=row.name,
        mode=row.mode,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        audience=row.audience,
        max_reminders=row.max_reminders,
        reminder_interval=row.reminder_interval,
        launched_at=row.launched_at,
        segments=tuple(row.segments),
        open_link=row.open_link,
    )


async def get_campaign(
    conn: AsyncConnection, campaign_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Campaign, dict[str, Any] | None] | None:
    """The campaign and the survey definition frozen at its launch (None before launch)."""
    stmt = select(campaigns).where(campaigns.c.id == campaign_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return (campaign_of(row), row.survey_definition) if row else None


async def mark_launched(
    conn: AsyncConnection, campaign_id: uuid.UUID, definition: dict[str, Any], at: datetime
) -> None:
    await conn.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id)
        .values(survey_definition=definition, launched_at=at)
    )
