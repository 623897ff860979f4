"""Campaign and survey-invitation figures for the dashboard, kept from mail and response events."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy import update as update_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import mail_figures, mail_origins, survey_responses_seen

COUNTED = ("campaign", "survey_invitation")
# The outcome that sets each flag; "sent" sets sent_at.
FLAGS = {"bounced_hard": "bounced", "opened": "opened", "clicked": "clicked"}


@dataclass(frozen=True)
class OriginFigures:
    group_id: str
    label: str
    first_sent_at: datetime | None
    sent: int
    bounced: int
    opened: int
    clicked: int
    responses: int = 0


async def record_mail_event(
    conn: AsyncConnection,
    *,
    delivery_id: uuid.UUID,
    outcome: str,
    origin: str,
    origin_id: str,
    group_id: str,
    label: str | None,
    at: datetime,
) -> None:
    """Idempotent: flags only turn on, sent_at keeps its first value.

    The campaign's counters (`mail_origins`) go up by one when a flag first turns on for a
    unit: a delivery of a campaign, an invitation of a survey campaign (a reminder is a second
    delivery of the same invitation). The campaign's row is written first, so it stays locked
    until commit: events of one campaign are counted one after another, never twice.
    """
    values: dict[str, object] = {}
    if outcome == "sent":
        values["sent_at"] = at
        flag = "sent"
    elif outcome in FLAGS:
        flag = FLAGS[outcome]
        values[flag] = True
    else:
        return
    origin_row = insert(mail_origins).values(
        group_id=group_id,
        origin=origin,
        label=label or "",
        first_sent_at=at if outcome == "sent" else None,
    )
    await conn.execute(
        origin_row.on_conflict_do_update(
            index_elements=["group_id"],
            set_={
                "label": func.coalesce(
                    func.nullif(origin_row.excluded.label, ""), mail_origins.c.label
                ),
                "first_sent_at": func.least(
                    mail_origins.c.first_sent_at, origin_row.excluded.first_sent_at
                ),
            },
        )
    )
    f = mail_figures.c
    held = (
        await conn.execute(
            select(f.sent_at.is_not(None).label("sent"), f.bounced, f.opened, f.clicked).where(
                f.delivery_id == delivery_id
            )
        )
    ).first()
    row = {
        "delivery_id": delivery_id,
        "origin": origin,
        "origin_id": origin_id,
        "group_id": group_id,
        **values,
    }
    stmt = insert(mail_figures).values(**row)
    update = {
        k: func.coalesce(mail_figures.c.sent_at, stmt.excluded.sent_at) if k == "sent_at" else True
        for k in values
    }
    await conn.execute(stmt.on_conflict_do_update(index_elements=["delivery_id"], set_=update))
    if held is not None and held._mapping[flag]:
        return  # this delivery was counted already
    if origin == "survey_invitation":
        on = f.sent_at.is_not(None) if flag == "sent" else f[flag].is_(True)
        counted = select(f.delivery_id).where(
            f.origin == origin, f.origin_id == origin_id, f.delivery_id != delivery_id, on
        )
        if (await conn.execute(counted.limit(1))).first() is not None:
            return  # another delivery of this invitation was counted
    await conn.execute(
        update_(mail_origins)
        .where(mail_origins.c.group_id == group_id)
        .values({flag: mail_origins.c[flag] + 1})
    )


async def record_response(
    conn: AsyncConnection, *, response_id: uuid.UUID, campaign_id: uuid.UUID, on: date
) -> None:
    await conn.execute(
        insert(survey_responses_seen)
        .values(response_id=response_id, campaign_id=campaign_id, submitted_on=on)
        .on_conflict_do_nothing()
    )


async def latest(
    conn: AsyncConnection, *, origin: str, limit: int, since: datetime | None = None
) -> list[OriginFigures]:
    """The newest campaigns that have sent mail, with their counts (and responses for surveys).

    A campaign counts deliveries; a survey campaign counts invitations (a reminder is a second
    delivery of the same invitation, so it is counted once): the counters record_mail_event
    keeps.
    """
    o = mail_origins.c
    stmt = (
        select(o.group_id, o.label, o.first_sent_at, o.sent, o.bounced, o.opened, o.clicked)
        .where(o.origin == origin, o.first_sent_at.is_not(None))
        .order_by(o.first_sent_at.desc())
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(o.first_sent_at >= since)
    rows = (await conn.execute(stmt)).all()
    responses = await _responses(conn, [r.group_id for r in rows])
    return [
        OriginFigures(
            group_id=r.group_id,
            label=r.label,
            first_sent_at=r.first_sent_at,
            sent=int(r.sent),
            bounced=int(r.bounced),
            opened=int(r.opened),
            clicked=int(r.clicked),
            responses=responses.get(r.group_id, 0),
        )
        for r in rows
    ]


async def _responses(conn: AsyncConnection, group_ids: list[str]) -> dict[str, int]:
    """Responses per survey campaign (a group id that is no campaign id has none)."""
    ids: list[uuid.UUID] = []
    for group_id in group_ids:
        with contextlib.suppress(ValueError):
            ids.append(uuid.UUID(group_id))
    if not ids:
        return {}
    r = survey_responses_seen.c
    stmt = select(r.campaign_id, func.count()).where(r.campaign_id.in_(ids)).group_by(r.campaign_id)
    return {str(campaign): int(n) for campaign, n in await conn.execute(stmt)}
