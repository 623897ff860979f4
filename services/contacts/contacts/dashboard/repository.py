"""The dashboard's figures: campaign and survey-invitation counters kept from mail and response
events, and the network series and join funnel counted from memberships and snapshots and
stored aside (`network_figures`). `DashboardRepository` is what the use cases see through the
unit of work (`uow.dashboard`); `SqlDashboard` runs it on the unit of work's connection."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import ARRAY, Date, bindparam, func, select, text
from sqlalchemy import update as update_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import (
    contact_snapshot,
    mail_figures,
    mail_origins,
    network_figures,
    survey_responses_seen,
)

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


# Members at each month end by organisation type and region, counted in the database: a
# membership counts at `end` when it started on or before that day and had not ended by it
# (days in UTC, as the figures always were).
NETWORK = text(
    """
    SELECT e.month_end, coalesce(s.organisation_type, '') AS type,
        coalesce(s.region, '') AS region, count(*) AS members
    FROM memberships m
    JOIN contact_snapshot s ON s.contact_id = m.person_id AND s.erased IS false
    JOIN unnest(:ends) AS e(month_end)
        ON (m.started_at AT TIME ZONE 'UTC')::date <= e.month_end
        AND (m.ended_at IS NULL OR (m.ended_at AT TIME ZONE 'UTC')::date > e.month_end)
    WHERE m.started_at IS NOT NULL
    GROUP BY 1, 2, 3
    """
).bindparams(bindparam("ends", type_=ARRAY(Date)))


async def count_network(conn: AsyncConnection, ends: list[date]) -> dict[str, Any]:
    """The network series and the funnel, counted now (JSON-ready)."""
    index = {end: i for i, end in enumerate(ends)}
    network = [0] * len(ends)
    by_type: dict[str, list[int]] = {}
    by_region: dict[str, list[int]] = {}
    for end, org_type, region, members in await conn.execute(NETWORK, {"ends": ends}):
        i = index[end]
        network[i] += members
        by_type.setdefault(org_type, [0] * len(ends))[i] += members
        by_region.setdefault(region, [0] * len(ends))[i] += members
    s = contact_snapshot.c
    funnel = (
        await conn.execute(
            select(
                func.count(),
                func.count().filter(s.confirmed_at.is_not(None)),
                func.count().filter(s.membership_state.in_(("active", "paused"))),
                func.count().filter(s.onboarding_state == "approved"),
            ).where(s.erased.is_(False))
        )
    ).one()
    return {
        "months": [end.isoformat() for end in ends],
        "network": network,
        "by_type": dict(sorted(by_type.items())),
        "by_region": dict(sorted(by_region.items())),
        "funnel": [int(v) for v in funnel],
    }


async def store_network(conn: AsyncConnection, figures: dict[str, Any]) -> datetime:
    """Keep the figures as counted now (the database's clock); when that was."""
    computed_at = (await conn.execute(select(func.now()))).scalar_one()
    stmt = insert(network_figures).values(id=1, computed_at=computed_at, figures=figures)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={"computed_at": stmt.excluded.computed_at, "figures": stmt.excluded.figures},
            # Two refreshes at once: the later count wins, whoever commits last.
            where=network_figures.c.computed_at < stmt.excluded.computed_at,
        )
    )
    return computed_at


async def stored_network(conn: AsyncConnection) -> tuple[datetime, dict[str, Any]] | None:
    stmt = select(network_figures.c.computed_at, network_figures.c.figures).where(
        network_figures.c.id == 1
    )
    row = (await conn.execute(stmt)).first()
    return (row.computed_at, row.figures) if row else None


class DashboardRepository(Protocol):
    async def count_network(self, ends: list[date]) -> dict[str, Any]:
        """The network series at each of `ends` (in total, by organisation type and by
        region) and the funnel, counted now; JSON-ready."""

    async def store_network(self, figures: dict[str, Any]) -> datetime:
        """Keep the figures as counted now; when that was (a later count kept meanwhile wins)."""

    async def stored_network(self) -> tuple[datetime, dict[str, Any]] | None:
        """The figures kept last and when they were counted."""

    async def latest(
        self, *, origin: str, limit: int, since: datetime | None = None
    ) -> list[OriginFigures]:
        """The newest campaigns of `origin` that have sent mail, with their counters."""


class SqlDashboard:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def count_network(self, ends: list[date]) -> dict[str, Any]:
        return await count_network(self._conn, ends)

    async def store_network(self, figures: dict[str, Any]) -> datetime:
        return await store_network(self._conn, figures)

    async def stored_network(self) -> tuple[datetime, dict[str, Any]] | None:
        return await stored_network(self._conn)

    async def latest(
        self, *, origin: str, limit: int, since: datetime | None = None
    ) -> list[OriginFigures]:
        return await latest(self._conn, origin=origin, limit=limit, since=since)
