"""Campaign and survey-invitation figures for the dashboard, kept from mail and response events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, select
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
    """Idempotent: flags only turn on, sent_at keeps its first value."""
    values: dict[str, object] = {}
    if outcome == "sent":
        values["sent_at"] = at
    elif outcome in FLAGS:
        values[FLAGS[outcome]] = True
    else:
        return
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
    delivery of the same invitation, so it is counted once).
    """
    f, o = mail_figures.c, mail_origins.c
    unit = f.origin_id if origin == "survey_invitation" else cast(f.delivery_id, Text)

    def units(condition: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.count(func.distinct(unit)).filter(condition)

    counts = (
        select(
            f.group_id,
            units(f.sent_at.is_not(None)).label("sent"),
            units(f.bounced).label("bounced"),
            units(f.opened).label("opened"),
            units(f.clicked).label("clicked"),
        )
        .where(f.origin == origin)
        .group_by(f.group_id)
        .subquery()
    )
    responses = (
        select(
            cast(survey_responses_seen.c.campaign_id, Text).label("group_id"),
            func.count().label("responses"),
        )
        .group_by(survey_responses_seen.c.campaign_id)
        .subquery()
    )
    stmt = (
        select(
            o.group_id,
            o.label,
            o.first_sent_at,
            counts.c.sent,
            counts.c.bounced,
            counts.c.opened,
            counts.c.clicked,
            func.coalesce(responses.c.responses, 0),
        )
        .join(counts, counts.c.group_id == o.group_id)
        .outerjoin(responses, responses.c.group_id == o.group_id)
        .where(o.origin == origin, o.first_sent_at.is_not(None))
        .order_by(o.first_sent_at.desc())
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(o.first_sent_at >= since)
    return [
        OriginFigures(
            group_id=r[0],
            label=r[1],
            first_sent_at=r[2],
            sent=int(r[3]),
            bounced=int(r[4]),
            opened=int(r[5]),
            clicked=int(r[6]),
            responses=int(r[7]),
        )
        for r in await conn.execute(stmt)
    ]
