"""A survey's campaigns with their progress, for the staff pages."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.persistence.tables import campaigns, invitations


async def campaigns_of_survey(conn: AsyncConnection, survey_id: uuid.UUID) -> list[dict[str, Any]]:
    inv = invitations
    progress = (
        select(
            inv.c.campaign_id,
            func.count().label("invited"),
            func.count().filter(inv.c.answered.is_(True)).label("answered"),
            func.count().filter(inv.c.mail_status == "delivered").label("delivered"),
            func.count().filter(inv.c.mail_status == "bounced").label("bounced"),
        )
        .group_by(inv.c.campaign_id)
        .subquery()
    )
    stmt = (
        select(
            campaigns.c.id,
            campaigns.c.name,
            campaigns.c.mode,
            campaigns.c.opens_at,
            campaigns.c.closes_at,
            campaigns.c.launched_at,
            *(
                func.coalesce(progress.c[n], 0).label(n)
                for n in ("invited", "answered", "delivered", "bounced")
            ),
        )
        .select_from(campaigns.outerjoin(progress, progress.c.campaign_id == campaigns.c.id))
        .where(campaigns.c.survey_id == survey_id)
        .order_by(campaigns.c.created_at.desc())
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]
