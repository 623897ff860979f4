"""What the retention job keeps of a campaign once its invitations and public-link respondents
go (closed + N days): tallies written just before the delete, read back as raw rows + tallies
so a campaign's figures stay the same."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.retention.domain import Expired
from surveys.tables import (
    campaigns,
    drafts,
    invitation_tallies,
    invitations,
    open_respondents,
    responses,
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


class RetentionRepository(Protocol):
    async def expired(self, closed_before: datetime) -> Expired:
        """What a run would remove now (nothing changes)."""
        ...

    async def retire(self, closed_before: datetime) -> Expired:
        """Keep the tallies, detach the responses, remove the rows; what went."""
        ...


def _expired_campaigns(closed_before: datetime) -> Select[tuple[uuid.UUID]]:
    return select(campaigns.c.id).where(campaigns.c.closes_at < closed_before)


class SqlRetentionRepository:
    """Retention's batch on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def expired(self, closed_before: datetime) -> Expired:
        conn, expired = self._conn, _expired_campaigns(closed_before)
        ids = list(
            (
                await conn.execute(
                    select(invitations.c.id).where(invitations.c.campaign_id.in_(expired))
                )
            ).scalars()
        )
        draft_count = (
            await conn.execute(select(func.count()).where(drafts.c.campaign_id.in_(expired)))
        ).scalar_one()
        hashes = list(
            (
                await conn.execute(
                    select(open_respondents.c.token_hash).where(
                        open_respondents.c.campaign_id.in_(expired)
                    )
                )
            ).scalars()
        )
        return Expired(ids, int(draft_count), hashes)

    async def retire(self, closed_before: datetime) -> Expired:
        conn, expired = self._conn, _expired_campaigns(closed_before)
        of_expired = invitations.c.campaign_id.in_(expired)
        slots_of_expired = open_respondents.c.campaign_id.in_(expired)
        await conn.execute(tally_invitations(of_expired))
        await conn.execute(tally_segments(of_expired))
        await conn.execute(tally_open_respondents(slots_of_expired))
        doomed = select(invitations.c.id).where(of_expired)
        await conn.execute(
            update(responses)
            .where(responses.c.invitation_id.in_(doomed))
            .values(invitation_id=None)
        )
        draft_count = (
            await conn.execute(delete(drafts).where(drafts.c.campaign_id.in_(expired)))
        ).rowcount
        ids = list(
            (
                await conn.execute(
                    delete(invitations).where(of_expired).returning(invitations.c.id)
                )
            ).scalars()
        )
        hashes = list(
            (
                await conn.execute(
                    delete(open_respondents)
                    .where(slots_of_expired)
                    .returning(open_respondents.c.token_hash)
                )
            ).scalars()
        )
        return Expired(ids, int(draft_count or 0), hashes)
