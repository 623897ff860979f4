"""A survey's campaigns with their progress, for the staff pages: the invitations still here
plus the tallies the retention job kept of those it deleted."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.retention import repository as retained
from surveys.tables import campaigns, invitation_tallies, invitations


async def campaigns_of_survey(conn: AsyncConnection, survey_id: uuid.UUID) -> list[dict[str, Any]]:
    inv, kept = invitations, invitation_tallies  # raw rows + what retention kept
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
                (func.coalesce(progress.c[n], 0) + func.coalesce(kept.c[n], 0)).label(n)
                for n in ("invited", "answered", "delivered", "bounced")
            ),
        )
        .select_from(
            campaigns.outerjoin(progress, progress.c.campaign_id == campaigns.c.id).outerjoin(
                kept, kept.c.campaign_id == campaigns.c.id
            )
        )
        .where(campaigns.c.survey_id == survey_id)
        .order_by(campaigns.c.created_at.desc())
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def progress(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, int]:
    """Invited, delivered, bounced (incl. complaints) and responded, of one campaign."""
    inv = invitations
    stmt = select(
        func.count().label("invited"),
        func.count().filter(inv.c.mail_status == "delivered").label("delivered"),
        func.count().filter(inv.c.mail_status.in_(("bounced", "complained"))).label("bounced"),
        func.count().filter(inv.c.answered.is_(True)).label("answered"),
    ).where(inv.c.campaign_id == campaign_id)
    raw = dict((await conn.execute(stmt)).mappings().one())
    kept = await retained.tallies(conn, campaign_id)
    kept["bounced"] += kept["complained"]
    return {name: int(n) + kept[name] for name, n in raw.items()}


async def by_segment(conn: AsyncConnection, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
    """(segment id, invited, answered) for each audience segment; a person in two segments
    counts in both."""
    inv = invitations
    segment = func.unnest(inv.c.segment_ids).label("segment_id")
    member = select(segment, inv.c.answered).where(inv.c.campaign_id == campaign_id).subquery()
    stmt = select(
        member.c.segment_id,
        func.count().label("invited"),
        func.count().filter(member.c.answered.is_(True)).label("answered"),
    ).group_by(member.c.segment_id)
    found = {r["segment_id"]: dict(r) for r in (await conn.execute(stmt)).mappings().all()}
    for kept in await retained.segments(conn, campaign_id):
        row = found.setdefault(kept["segment_id"], {**kept, "invited": 0, "answered": 0})
        row["invited"] += kept["invited"]
        row["answered"] += kept["answered"]
    return list(found.values())
