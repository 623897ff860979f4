"""The onboarding lists: people in one state with their organisation, region and dates, a
page at a time, and capped counts per state.

The other states start from `onboarding` (its state index) and join each row's snapshot by
key; those not invited are active members of the snapshot without an onboarding row, in the
staff language's name order. Their count stops at COUNT_CAP + 1 rows; the other states are
counted exactly in one grouped pass (only invited people have rows).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from contacts.onboarding.domain.lists import (
    COUNT_CAP,
    LIST_STATES,
    Count,
    ListState,
    Standing,
    capped,
    sort_column,
    stored_state,
)
from contacts.tables import contact_snapshot, join_codes, memberships, onboarding, people
from shared.collation import collated

cs = contact_snapshot
COLUMNS = (
    cs.c.contact_id,
    cs.c.first_name,
    cs.c.last_name,
    cs.c.email,
    cs.c.organisation_name,
    cs.c.organisation_type,
    cs.c.region,
    cs.c.subscription_state,
    onboarding.c.invited_at,
    onboarding.c.requested_at,
    onboarding.c.decided_at,
    onboarding.c.left_at,
    func.coalesce(onboarding.c.reminders_sent, 0).label("reminders_sent"),
    onboarding.c.last_reminded_at,
)


@dataclass(frozen=True)
class ListFilters:
    region: str = ""
    organisation_type: str = ""
    organisation: str = ""  # a part of the organisation's name


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(stmt: Select[Any], filters: ListFilters) -> Select[Any]:
    stmt = stmt.where(cs.c.erased.is_(False))
    if filters.region:
        stmt = stmt.where(cs.c.region == filters.region)
    if filters.organisation_type:
        stmt = stmt.where(cs.c.organisation_type == filters.organisation_type)
    if filters.organisation.strip():
        stmt = stmt.where(cs.c.organisation_name.ilike(_like(filters.organisation.strip())))
    return stmt


def _select(state: ListState, filters: ListFilters, *columns: Any) -> Select[Any]:
    if state == "not_invited":
        stmt = (
            select(*columns)
            .select_from(cs.outerjoin(onboarding, onboarding.c.person_id == cs.c.contact_id))
            .where(
                cs.c.membership_state == "active",
                or_(onboarding.c.state.is_(None), onboarding.c.state == "not_invited"),
            )
        )
    else:
        stmt = (
            select(*columns)
            .select_from(onboarding.join(cs, cs.c.contact_id == onboarding.c.person_id))
            .where(onboarding.c.state == stored_state(state))
        )
        if state == "reminded":
            stmt = stmt.where(onboarding.c.reminders_sent > 0)
    return _filtered(stmt, filters)


async def people_in(
    conn: AsyncConnection,
    state: ListState,
    filters: ListFilters,
    *,
    lang: str,
    offset: int,
    limit: int,
) -> list[dict[str, Any]]:
    """One page of the people in `state`: newest first by the state's date, or by name."""
    stmt = _select(state, filters, *COLUMNS)
    by = sort_column(state)
    if by == "name":
        stmt = stmt.order_by(
            collated(cs.c.last_name, lang), collated(cs.c.first_name, lang), cs.c.contact_id
        )
    else:
        stmt = stmt.order_by(onboarding.c[by].desc().nulls_last(), onboarding.c.person_id)
    rows = await conn.execute(stmt.offset(offset).limit(limit))
    return [dict(r._mapping) for r in rows]


async def count_in(conn: AsyncConnection, state: ListState, filters: ListFilters) -> Count:
    inner = _select(state, filters, literal(1).label("one")).limit(COUNT_CAP + 1).subquery()
    counted = (await conn.execute(select(func.count()).select_from(inner))).scalar_one()
    return capped(int(counted), COUNT_CAP)


async def counts(conn: AsyncConnection, filters: ListFilters) -> dict[str, Count]:
    """Every tab's count. The states stored in `onboarding` in one grouped pass (exact: only
    people who were invited have a row); those not invited, a capped count."""
    stmt = _filtered(
        select(
            onboarding.c.state,
            func.count().label("n"),
            func.count().filter(onboarding.c.reminders_sent > 0).label("reminded"),
        )
        .select_from(onboarding.join(cs, cs.c.contact_id == onboarding.c.person_id))
        .group_by(onboarding.c.state),
        filters,
    )
    found: dict[str, Count] = dict.fromkeys(LIST_STATES, Count(0))
    for row in await conn.execute(stmt):
        if row.state in found and row.state != "not_invited":
            found[row.state] = Count(row.n)
        if row.state == "invited":
            found["reminded"] = Count(row.reminded)
    found["not_invited"] = await count_in(conn, "not_invited", filters)
    return found


async def standings(
    conn: AsyncConnection, ids: Collection[uuid.UUID], *, at: Any
) -> dict[uuid.UUID, Standing]:
    """What the bulk actions decide on, for each existing person of `ids`."""
    if not ids:
        return {}
    usable = (
        select(join_codes.c.person_id)
        .where(
            join_codes.c.person_id == people.c.id,
            join_codes.c.used_at.is_(None),
            join_codes.c.expires_at > at,
        )
        .exists()
    )
    stmt = (
        select(
            people.c.id,
            func.coalesce(onboarding.c.state, "not_invited").label("onboarding_state"),
            memberships.c.state.label("membership_state"),
            people.c.subscription_state,
            people.c.email_status,
            func.coalesce(onboarding.c.reminders_sent, 0).label("reminders_sent"),
            onboarding.c.last_reminded_at,
            usable.label("code_usable"),
        )
        .select_from(
            people.outerjoin(onboarding, onboarding.c.person_id == people.c.id).outerjoin(
                memberships, memberships.c.person_id == people.c.id
            )
        )
        .where(and_(people.c.id.in_(list(ids))))
    )
    return {
        r.id: Standing(**{k: v for k, v in r._mapping.items() if k != "id"})
        for r in await conn.execute(stmt)
    }
