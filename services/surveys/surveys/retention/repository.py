"""What the retention job keeps of a campaign once its invitations and public-link respondents
go (closed + N days): tallies written just before the delete, read back as raw rows + tallies
so a campaign's figures stay the same."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.tables import (
    invitation_tallies,
    invitations,
    open_respondents,
    segment_tallies,
)

COUNTED = ("invited", "answered", "delivered", "bounced", "complained")


def _adding(stmt: Insert, names: tuple[str, ...], table: Any, keys: list[Any]) -> Insert:
    """Upsert that adds to the tallies already there (a campaign can be purged twice)."""
    return stmt.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + stmt.excluded[name] for name in names},
    )


def tally_invitations(of_expired: ColumnElement[bool]) -> Insert:
    inv = invitations
    counts = (
        select(
            inv.c.campaign_id,
            func.count(),
            func.count().filter(inv.c.answered.is_(True)),
            func.count().filter(inv.c.mail_status == "delivered"),
            func.count().filter(inv.c.mail_status == "bounced"),
            func.count().filter(inv.c.mail_status == "complained"),
            func.now(),
        )
        .where(of_expired)
        .group_by(inv.c.campaign_id)
    )
    stmt = insert(invitation_tallies).from_select(["campaign_id", *COUNTED, "purged_at"], counts)
    return _adding(stmt, COUNTED, invitation_tallies, [invitation_tallies.c.campaign_id])


def tally_segments(of_expired: ColumnElement[bool]) -> Insert:
    inv = invitations
    member = (
        select(
            inv.c.campaign_id,
            func.unnest(inv.c.segment_ids).label("segment_id"),
            inv.c.answered,
        )
        .where(of_expired)
        .subquery()
    )
    counts = select(
        member.c.campaign_id,
        member.c.segment_id,
        func.count(),
        func.count().filter(member.c.answered.is_(True)),
    ).group_by(member.c.campaign_id, member.c.segment_id)
    stmt = insert(segment_tallies).from_select(
        ["campaign_id", "segment_id", "invited", "answered"], counts
    )
    keys = [segment_tallies.c.campaign_id, segment_tallies.c.segment_id]
    return _adding(stmt, ("invited", "answered"), segment_tallies, keys)


def tally_open_respondents(of_expired: ColumnElement[bool]) -> Insert:
    slots = open_respondents
    zero = literal(0)
    counts = (
        select(
            slots.c.campaign_id,
            *(zero for _ in COUNTED),
            func.now(),
            func.count().filter(slots.c.answered.is_(True)),
        )
        .where(of_expired)
        .group_by(slots.c.campaign_id)
    )
    stmt = insert(invitation_tallies).from_select(
        ["campaign_id", *COUNTED, "purged_at", "open_answered"], counts
    )
    keys = [invitation_tallies.c.campaign_id]
    return _adding(stmt, ("open_answered",), invitation_tallies, keys)


async def tallies(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, int]:
    t = invitation_tallies
    row = (
        await conn.execute(
            select(*(t.c[n] for n in COUNTED), t.c.open_answered).where(
                t.c.campaign_id == campaign_id
            )
        )
    ).first()
    names = (*COUNTED, "open_answered")
    return dict(row._mapping) if row else dict.fromkeys(names, 0)


async def segments(conn: AsyncConnection, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
    t = segment_tallies
    stmt = select(t.c.segment_id, t.c.invited, t.c.answered).where(t.c.campaign_id == campaign_id)
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]
