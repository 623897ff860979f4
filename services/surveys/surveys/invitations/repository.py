"""Invitations: materialised set-based from the replica, with a personal link each.

The token of each link is drawn by PostgreSQL (gen_random_uuid, a strong random source) and
returned once to go into the mail; the table keeps only its sha256.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Text,
    Uuid,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, array, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.segments.compiler import compile_rule
from surveys.campaigns.domain import Campaign
from surveys.event_feedback import repository as event_feedback
from surveys.event_feedback.repository import FeedbackCounts
from surveys.invitations.domain import REACHABLE, Invitee
from surveys.tables import contact_snapshot as cs
from surveys.tables import invitations as inv

UNREACHABLE = ("bounced", "complained")


def _nonce() -> ColumnElement[str]:
    """The link's opaque token: 64 hex digits (244 random bits from two v4 UUIDs)."""
    one = func.replace(cast(func.gen_random_uuid(), Text), "-", "")
    two = func.replace(cast(func.gen_random_uuid(), Text), "-", "")
    return func.concat(one, two)


def _hash(nonce: Any) -> ColumnElement[bytes]:
    return func.sha256(func.convert_to(nonce, "UTF8"))


def reachable(now: datetime) -> ColumnElement[bool]:
    """Who may be asked at all (the REACHABLE rule), never erased people."""
    return compile_rule(REACHABLE, cs, now)


async def materialise(conn: AsyncConnection, campaign: Campaign, now: datetime) -> list[Any]:
    """One INSERT…SELECT of an invitation per person of the campaign's audience; returns who to
    mail (invitation id, nonce, contact id, email, names, language). Each invitation records
    which of the campaign's segments the person was in, for rates by segment."""
    identified = not campaign.anonymous
    audience = compile_rule(campaign.audience, cs, now)
    membership = [(uuid.UUID(s["id"]), compile_rule(s["rule"], cs, now)) for s in campaign.segments]
    in_segments: ColumnElement[Any] = cast(array([], type_=Uuid), ARRAY(Uuid))
    if membership:
        in_segments = func.array_remove(
            array([case((rule, literal(sid, Uuid)), else_=null()) for sid, rule in membership]),
            null(),
        )
    picked = (
        select(
            func.gen_random_uuid().label("id"),
            _nonce().label("nonce"),
            cs.c.contact_id,
            cs.c.email,
            cs.c.first_name,
            cs.c.last_name,
            func.coalesce(cs.c.language, "fi").label("language"),
            cs.c.organisation_type,
            cs.c.region,
            in_segments.label("segment_ids"),
        )
        .where(audience, reachable(now))
        .cte("picked")
        .prefix_with("MATERIALIZED")
    )
    inserted = (
        insert(inv)
        .from_select(
            [
                "id",
                "campaign_id",
                "contact_id",
                "language",
                "organisation_type",
                "region",
                "token_hash",
                "last_mailed_at",
                "segment_ids",
            ],
            select(
                picked.c.id,
                literal(campaign.id),
                picked.c.contact_id,
                picked.c.language,
                picked.c.organisation_type if identified else null(),
                picked.c.region if identified else null(),
                _hash(picked.c.nonce),
                literal(now),
                picked.c.segment_ids,
            ),
        )
        .on_conflict_do_nothing(index_elements=["campaign_id", "contact_id"])
        .returning(inv.c.id)
        .cte("inserted")
    )
    stmt = select(
        picked.c.id,
        picked.c.nonce,
        picked.c.contact_id,
        picked.c.email,
        picked.c.first_name,
        picked.c.last_name,
        picked.c.language,
    ).join_from(picked, inserted, inserted.c.id == picked.c.id)
    return list((await conn.execute(stmt)).all())


async def due_reminders(
    conn: AsyncConnection,
    campaign: Campaign,
    now: datetime,
    *,
    limit: int,
    manual_gap: timedelta | None = None,
) -> list[Any]:
    """Claim non-respondents whose last mail is older than the interval, give each a new
    link nonce and count the reminder; returns who to mail, as `materialise` does.

    With `manual_gap` (a reminder sent by hand now): anyone not mailed within that gap,
    whatever the schedule's interval and number of reminders."""
    if manual_gap is not None:
        schedule = or_(inv.c.last_mailed_at.is_(None), inv.c.last_mailed_at <= now - manual_gap)
    else:
        schedule = and_(
            inv.c.reminders_sent < campaign.max_reminders,
            or_(
                inv.c.last_mailed_at.is_(None),
                inv.c.last_mailed_at <= now - campaign.reminder_interval,
            ),
        )
    due = (
        select(inv.c.id, _nonce().label("nonce"))
        .join(cs, cs.c.contact_id == inv.c.contact_id)
        .where(
            inv.c.campaign_id == campaign.id,
            inv.c.answered.is_(False),
            schedule,
            reachable(now),
            # The replica learns of a bounce only later (if ever): the invitation knows now.
            or_(inv.c.mail_status.is_(None), inv.c.mail_status.not_in(UNREACHABLE)),
        )
        .limit(limit)
        .with_for_update(of=inv, skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    bumped = (
        update(inv)
        .where(inv.c.id == due.c.id)
        .values(
            reminders_sent=inv.c.reminders_sent + 1,
            last_mailed_at=now,
            reminder_token_hashes=func.array_append(
                inv.c.reminder_token_hashes, _hash(due.c.nonce)
            ),
        )
        .returning(inv.c.id, inv.c.contact_id, inv.c.language, inv.c.reminders_sent)
        .cte("bumped")
    )
    stmt = (
        select(
            bumped.c.id,
            due.c.nonce,
            bumped.c.contact_id,
            cs.c.email,
            cs.c.first_name,
            cs.c.last_name,
            bumped.c.language,
            bumped.c.reminders_sent,
        )
        .join_from(bumped, due, due.c.id == bumped.c.id)
        .join(cs, cs.c.contact_id == bumped.c.contact_id)
    )
    return list((await conn.execute(stmt)).all())


async def oldest_due_mail(conn: AsyncConnection, campaign: Campaign) -> datetime | None:
    """The oldest last mail of anyone the schedule may still remind (None: nobody)."""
    stmt = select(func.min(inv.c.last_mailed_at)).where(
        inv.c.campaign_id == campaign.id,
        inv.c.answered.is_(False),
        inv.c.reminders_sent < campaign.max_reminders,
        or_(inv.c.mail_status.is_(None), inv.c.mail_status.not_in(UNREACHABLE)),
    )
    found: datetime | None = (await conn.execute(stmt)).scalar_one_or_none()
    return found


async def audience_languages(
    conn: AsyncConnection, audience: dict[str, Any], now: datetime
) -> dict[str, int]:
    """How many people an audience would invite now, by their language (fi when unknown)."""
    language = func.coalesce(cs.c.language, "fi")
    stmt = (
        select(language, func.count())
        .where(compile_rule(audience, cs, now), reachable(now))
        .group_by(language)
    )
    return {str(lang): int(n) for lang, n in (await conn.execute(stmt)).all()}


async def get(conn: AsyncConnection, invitation_id: uuid.UUID, *, for_update: bool = False) -> Any:
    stmt = select(inv).where(inv.c.id == invitation_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).first()


async def by_link(conn: AsyncConnection, token_hash: bytes, *, for_update: bool = False) -> Any:
    stmt = select(inv).where(
        or_(
            inv.c.token_hash == token_hash,
            inv.c.reminder_token_hashes.contains(cast(array([token_hash]), ARRAY(LargeBinary))),
        )
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).first()


async def mark_answered(conn: AsyncConnection, invitation_id: uuid.UUID) -> bool:
    """True the first time; False when the invitation was already answered."""
    result = await conn.execute(
        update(inv)
        .where(inv.c.id == invitation_id, inv.c.answered.is_(False))
        # An event's attendee who is not a contact: the address is not needed any more.
        .values(answered=True, email=None, name=None)
        .returning(inv.c.id)
    )
    return result.first() is not None


async def counts(conn: AsyncConnection, campaign_id: uuid.UUID) -> tuple[int, int]:
    """(invited, answered)."""
    stmt = select(func.count(), func.count().filter(inv.c.answered.is_(True))).where(
        inv.c.campaign_id == campaign_id
    )
    invited, answered = (await conn.execute(stmt)).one()
    return int(invited), int(answered)


async def response_rate_by(
    conn: AsyncConnection, campaign_id: uuid.UUID, column: str
) -> list[tuple[str | None, int, int]]:
    """(group, invited, answered) by an invitation-time attribute (identified mode)."""
    col = inv.c[column]
    stmt = (
        select(col, func.count(), func.count().filter(inv.c.answered.is_(True)))
        .where(inv.c.campaign_id == campaign_id)
        .group_by(col)
    )
    return [(r[0], int(r[1]), int(r[2])) for r in (await conn.execute(stmt)).all()]


async def forget_people(conn: AsyncConnection, contact_ids: list[uuid.UUID]) -> int:
    """Erasure: invitations keep only the answered flag and the language."""
    result = await conn.execute(
        update(inv)
        .where(inv.c.contact_id.in_(contact_ids))
        .values(contact_id=None, organisation_type=None, region=None)
    )
    return result.rowcount or 0


class SqlInvitationRepository:
    """Invitations on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def invite_audience(self, campaign: Campaign, now: datetime) -> list[Invitee]:
        return [Invitee(**row._mapping) for row in await materialise(self._conn, campaign, now)]

    async def claim_reminders(
        self,
        campaign: Campaign,
        now: datetime,
        *,
        limit: int,
        manual_gap: timedelta | None = None,
    ) -> list[Invitee]:
        rows = await due_reminders(self._conn, campaign, now, limit=limit, manual_gap=manual_gap)
        return [Invitee(**row._mapping) for row in rows]

    async def get(self, invitation_id: uuid.UUID, *, for_update: bool = False) -> Any:
        """The invitation row (None if there is none); `for_update` locks it."""
        return await get(self._conn, invitation_id, for_update=for_update)

    async def by_link(self, token_hash: bytes, *, for_update: bool = False) -> Any:
        return await by_link(self._conn, token_hash, for_update=for_update)

    async def mark_answered(self, invitation_id: uuid.UUID) -> bool:
        return await mark_answered(self._conn, invitation_id)

    async def feedback_answered(self, campaign_id: uuid.UUID) -> FeedbackCounts | None:
        """One more answer in an event's feedback campaign (None: not an event's campaign)."""
        return await event_feedback.answered_in(self._conn, campaign_id)
