"""The impact chain's SQL: counting one month's figures, and the stored figures and targets.

`ImpactRepository` is what the use cases see through the unit of work (`uow.impact`);
`SqlImpact` runs these queries on the unit of work's connection."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Protocol

from sqlalchemy import Date, Text, and_, cast, delete, distinct, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from contacts.impact.domain import Figure, next_month
from contacts.impact.self_assessment import Result
from contacts.participation.domain import MonthFigures
from contacts.tables import (
    activity,
    contact_snapshot,
    impact_figures,
    impact_targets,
    mail_origins,
    mail_reach,
    memberships,
    organisations,
    people,
    survey_responses_seen,
    visit_requests,
)
from contacts.tables import assessment_results as assessment_results_table

# What counts as a partner's activity: the engagement the timeline records.
ENGAGED = ("mail_opened", "mail_clicked", "survey_responded")


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month as [start, end) in UTC, as the dashboard counts days."""
    return (
        datetime.combine(month, time(), UTC),
        datetime.combine(next_month(month), time(), UTC),
    )


# --- counting one month -------------------------------------------------------------------


async def origins_started(conn: AsyncConnection, origin: str, month: date) -> int:
    start, end = bounds(month)
    o = mail_origins.c
    stmt = select(func.count()).where(
        o.origin == origin, o.first_sent_at >= start, o.first_sent_at < end
    )
    return int((await conn.execute(stmt)).scalar_one())


@dataclass(frozen=True)
class MailTotals:
    sent: int
    bounced: int
    opened: int
    clicked: int


async def campaign_totals(conn: AsyncConnection, month: date) -> MailTotals:
    """The counters of the campaigns first sent in the month (their mail, whenever opened)."""
    start, end = bounds(month)
    o = mail_origins.c
    row = (
        await conn.execute(
            select(
                func.coalesce(func.sum(o.sent), 0),
                func.coalesce(func.sum(o.bounced), 0),
                func.coalesce(func.sum(o.opened), 0),
                func.coalesce(func.sum(o.clicked), 0),
            ).where(o.origin == "campaign", o.first_sent_at >= start, o.first_sent_at < end)
        )
    ).one()
    return MailTotals(*(int(v) for v in row))


async def survey_invitations_and_responses(conn: AsyncConnection, month: date) -> tuple[int, int]:
    """Invitations of the survey campaigns first sent in the month, and their responses."""
    start, end = bounds(month)
    o = mail_origins.c
    in_month = and_(
        o.origin == "survey_invitation", o.first_sent_at >= start, o.first_sent_at < end
    )
    sent = (await conn.execute(select(func.coalesce(func.sum(o.sent), 0)).where(in_month))).one()
    r = survey_responses_seen.c
    answered = select(func.count()).where(
        cast(r.campaign_id, Text).in_(select(o.group_id).where(in_month))
    )
    return int(sent[0]), int((await conn.execute(answered)).scalar_one())


async def responses_submitted(conn: AsyncConnection, month: date) -> int:
    r = survey_responses_seen.c
    stmt = select(func.count()).where(r.submitted_on >= month, r.submitted_on < next_month(month))
    return int((await conn.execute(stmt)).scalar_one())


async def visits_done(conn: AsyncConnection, month: date) -> int:
    start, end = bounds(month)
    v = visit_requests.c
    stmt = select(func.count()).where(
        v.state == "done", v.state_changed_at >= start, v.state_changed_at < end
    )
    return int((await conn.execute(stmt)).scalar_one())


async def reach(conn: AsyncConnection, month: date) -> tuple[int, int]:
    """People sent a campaign in the month, and in the year up to the month's end."""
    m = mail_reach.c
    in_month = select(func.count()).where(m.month == month)
    year = select(func.count(distinct(m.person_id))).where(
        m.month >= date(month.year, 1, 1), m.month <= month
    )
    return (
        int((await conn.execute(in_month)).scalar_one()),
        int((await conn.execute(year)).scalar_one()),
    )


async def memberships_started(conn: AsyncConnection, month: date) -> int:
    start, end = bounds(month)
    m = memberships.c
    stmt = select(func.count()).where(m.started_at >= start, m.started_at < end)
    return int((await conn.execute(stmt)).scalar_one())


def _member_at(end: datetime) -> ColumnElement[bool]:
    m = memberships.c
    return and_(
        m.started_at.is_not(None),
        m.started_at < end,
        or_(m.ended_at.is_(None), m.ended_at >= end),
    )


@dataclass(frozen=True)
class Partner:
    """An active partner organisation at a month's end: a member's organisation."""

    organisation_id: uuid.UUID
    municipality: str
    region: str
    org_type: str
    engaged: bool  # a member engaged in the twelve months up to the month's end


async def partners(conn: AsyncConnection, month: date) -> list[Partner]:
    """Organisations (active, not archived) with a member at the month's end: people whose
    organisation (as on their record) it is and whose membership had started and not ended."""
    _start, end = bounds(month)
    s, o, a = contact_snapshot.c, organisations.c, activity.c
    member = (
        select(s.organisation_id)
        .join(memberships, memberships.c.person_id == s.contact_id)
        .where(s.erased.is_(False), s.organisation_id.is_not(None), _member_at(end))
        .distinct()
        .subquery()
    )
    since = datetime.combine(date(end.year - 1, end.month, 1), time(), UTC)
    engaged = exists(
        select(a.id)
        .join(contact_snapshot, contact_snapshot.c.contact_id == a.person_id)
        .join(memberships, memberships.c.person_id == a.person_id)
        .where(
            contact_snapshot.c.organisation_id == o.id,
            contact_snapshot.c.erased.is_(False),
            _member_at(end),
            a.kind.in_(ENGAGED),
            a.occurred_at >= since,
            a.occurred_at < end,
        )
    )
    stmt = (
        select(
            o.id,
            func.coalesce(o.municipality, ""),
            func.coalesce(o.region, ""),
            o.type,
            engaged.label("engaged"),
        )
        .join(member, member.c.organisation_id == o.id)
        .where(o.archived.is_(False), o.status == "active", o.created_at < end)
    )
    return [Partner(*row) for row in await conn.execute(stmt)]


async def network_cells(conn: AsyncConnection, month: date) -> dict[tuple[str, str], int]:
    """Members at the month's end by region and organisation type (as on their record)."""
    _start, end = bounds(month)
    s = contact_snapshot.c
    region, org_type = func.coalesce(s.region, ""), func.coalesce(s.organisation_type, "")
    stmt = (
        select(region, org_type, func.count())
        .select_from(memberships.join(contact_snapshot, s.contact_id == memberships.c.person_id))
        .where(s.erased.is_(False), _member_at(end))
        .group_by(region, org_type)
    )
    return {(r, t): int(n) for r, t, n in await conn.execute(stmt)}


async def assessment_results(conn: AsyncConnection, month: date) -> list[Result]:
    """Identified self-assessment results taken before the month's end, with the region on
    the person's record now ("" when joined to nobody or not known)."""
    t, s = assessment_results_table.c, contact_snapshot.c
    region = func.coalesce(s.region, "")
    stmt = (
        select(t.attempt_id, t.person_id, t.taken_on, t.received_at, t.percents, region)
        .select_from(
            assessment_results_table.outerjoin(
                contact_snapshot, and_(s.contact_id == t.person_id, s.erased.is_(False))
            )
        )
        .where(t.taken_on < next_month(month))
    )
    return [Result(*row) for row in await conn.execute(stmt)]


# --- stored figures -----------------------------------------------------------------------


async def store_month(
    conn: AsyncConnection,
    month: date,
    figures: dict[tuple[str, str], Figure],
    *,
    indicators: Iterable[str],
    at: datetime,
) -> None:
    """Replace the month's figures of these indicators with the ones just counted."""
    keys = list(indicators)
    await conn.execute(
        delete(impact_figures).where(
            impact_figures.c.month == month, impact_figures.c.indicator.in_(keys)
        )
    )
    rows = [
        {
            "indicator": key,
            "month": month,
            "part": part,
            "value": f.value,
            "numerator": f.numerator,
            "denominator": f.denominator,
            "computed_at": at,
        }
        for (key, part), f in figures.items()
    ]
    if rows:
        await conn.execute(insert(impact_figures), rows)


@dataclass(frozen=True)
class Stored:
    indicator: str
    month: date
    part: str
    figure: Figure


async def stored(
    conn: AsyncConnection,
    *,
    since: date,
    until: date,
    indicators: Iterable[str] | None = None,
    parts: str | None = None,
) -> list[Stored]:
    """Stored figures of months in [since, until]; parts: None = every part, else a prefix."""
    f = impact_figures.c
    stmt = select(f.indicator, f.month, f.part, f.value, f.numerator, f.denominator).where(
        f.month >= since, f.month <= until
    )
    if indicators is not None:
        stmt = stmt.where(f.indicator.in_(list(indicators)))
    if parts is not None:
        stmt = stmt.where(or_(f.part == "", f.part.startswith(parts)))
    stmt = stmt.order_by(f.indicator, f.month, f.part)
    return [
        Stored(r.indicator, r.month, r.part, Figure(r.value, r.numerator, r.denominator))
        for r in await conn.execute(stmt)
    ]


async def months_held(conn: AsyncConnection, *, since: date) -> set[date]:
    f = impact_figures.c
    stmt = select(f.month).where(f.month >= since).distinct()
    return {m for (m,) in await conn.execute(stmt)}


async def last_computed(conn: AsyncConnection, *, since: date, until: date) -> datetime | None:
    f = impact_figures.c
    stmt = select(func.max(f.computed_at)).where(f.month >= since, f.month <= until)
    found: datetime | None = (await conn.execute(stmt)).scalar_one()
    return found


async def earliest_source(conn: AsyncConnection) -> date | None:
    """The first month anything was counted from: a membership, a mail campaign or a
    self-assessment result."""
    first = [
        (await conn.execute(select(func.min(memberships.c.started_at)))).scalar_one(),
        (await conn.execute(select(func.min(mail_origins.c.first_sent_at)))).scalar_one(),
    ]
    held = [d.astimezone(UTC).date() for d in first if d is not None]
    taken = select(func.min(assessment_results_table.c.taken_on))
    held += [d for d in [(await conn.execute(taken)).scalar_one()] if d is not None]
    return min(held).replace(day=1) if held else None


# --- targets ------------------------------------------------------------------------------


async def targets_of(conn: AsyncConnection, year: int) -> dict[str, float]:
    t = impact_targets.c
    stmt = select(t.indicator, t.target).where(t.year == year)
    return {key: float(target) for key, target in await conn.execute(stmt)}


@dataclass(frozen=True)
class TargetRow:
    indicator: str
    year: int
    target: float
    set_by: str | None
    set_at: datetime


async def target_rows(conn: AsyncConnection, year: int) -> dict[str, TargetRow]:
    t = impact_targets.c
    stmt = select(t.indicator, t.year, t.target, t.set_by, t.set_at).where(t.year == year)
    return {
        r.indicator: TargetRow(r.indicator, r.year, float(r.target), r.set_by, r.set_at)
        for r in await conn.execute(stmt)
    }


async def set_target(
    conn: AsyncConnection,
    *,
    indicator: str,
    year: int,
    target: float,
    set_by: str | None,
    at: datetime,
) -> float | None:
    """Upsert; the target it replaced (None: there was none)."""
    t = impact_targets.c
    before = (
        await conn.execute(
            select(t.target).where(t.indicator == indicator, t.year == year).with_for_update()
        )
    ).scalar_one_or_none()
    stmt = insert(impact_targets).values(
        indicator=indicator, year=year, target=Decimal(str(target)), set_by=set_by, set_at=at
    )
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["indicator", "year"],
            set_={"target": stmt.excluded.target, "set_by": set_by, "set_at": at},
        )
    )
    return float(before) if before is not None else None


async def record_reach(conn: AsyncConnection, *, person_id: uuid.UUID, on: date) -> None:
    """A campaign mail was sent to this person; idempotent, and nothing for an unknown id."""
    known = select(literal(on.replace(day=1), Date), people.c.id).where(people.c.id == person_id)
    stmt = insert(mail_reach).from_select(["month", "person_id"], known)
    await conn.execute(stmt.on_conflict_do_nothing())


async def forget_reach(conn: AsyncConnection, *, before: date) -> None:
    """Who was sent a campaign in months before `before`: counted, no longer needed."""
    await conn.execute(delete(mail_reach).where(mail_reach.c.month < before))


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 1)


class ImpactRepository(Protocol):
    """A month's sources (each for the month given by its first day), the stored figures and
    the targets. The database's clock stamps what is stored."""

    async def origins_started(self, origin: str, month: date) -> int:
        """Campaigns (or survey campaigns) of `origin` first sent in the month."""

    async def campaign_totals(self, month: date) -> MailTotals: ...

    async def survey_invitations_and_responses(self, month: date) -> tuple[int, int]: ...

    async def responses_submitted(self, month: date) -> int: ...

    async def visits_done(self, month: date) -> int: ...

    async def reach(self, month: date) -> tuple[int, int]:
        """People sent a campaign in the month, and in the year up to its end."""

    async def memberships_started(self, month: date) -> int: ...

    async def event_counts(self, month: date) -> MonthFigures:
        """Participation's event figures of the month (through its service)."""

    async def partners(self, month: date) -> list[Partner]: ...

    async def network_cells(self, month: date) -> dict[tuple[str, str], int]:
        """Members at the month's end by (region, organisation type)."""

    async def assessment_results(self, month: date) -> list[Result]: ...

    async def earliest_source(self) -> date | None:
        """The first month anything can be counted from."""

    async def store_month(
        self, month: date, figures: dict[tuple[str, str], Figure], *, indicators: Iterable[str]
    ) -> None:
        """Replace the month's figures of these indicators."""

    async def stored(
        self,
        *,
        since: date,
        until: date,
        indicators: Iterable[str] | None = None,
        parts: str | None = None,
    ) -> list[Stored]: ...

    async def months_held(self, *, since: date) -> set[date]: ...

    async def last_computed(self, *, since: date, until: date) -> datetime | None: ...

    async def forget_reach(self, *, before: date) -> None: ...

    async def targets_of(self, year: int) -> dict[str, float]: ...

    async def target_rows(self, year: int) -> dict[str, TargetRow]: ...

    async def set_target(
        self, *, indicator: str, year: int, target: float, set_by: str | None
    ) -> float | None:
        """Upsert; the target it replaced (None: there was none)."""


async def _now(conn: AsyncConnection) -> datetime:
    found: datetime = (await conn.execute(select(func.now()))).scalar_one()
    return found


class SqlImpact:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def origins_started(self, origin: str, month: date) -> int:
        return await origins_started(self._conn, origin, month)

    async def campaign_totals(self, month: date) -> MailTotals:
        return await campaign_totals(self._conn, month)

    async def survey_invitations_and_responses(self, month: date) -> tuple[int, int]:
        return await survey_invitations_and_responses(self._conn, month)

    async def responses_submitted(self, month: date) -> int:
        return await responses_submitted(self._conn, month)

    async def visits_done(self, month: date) -> int:
        return await visits_done(self._conn, month)

    async def reach(self, month: date) -> tuple[int, int]:
        return await reach(self._conn, month)

    async def memberships_started(self, month: date) -> int:
        return await memberships_started(self._conn, month)

    async def event_counts(self, month: date) -> MonthFigures:
        from contacts.participation import service as participation  # imports the uow module

        return await participation.month_counts(self._conn, *bounds(month))

    async def partners(self, month: date) -> list[Partner]:
        return await partners(self._conn, month)

    async def network_cells(self, month: date) -> dict[tuple[str, str], int]:
        return await network_cells(self._conn, month)

    async def assessment_results(self, month: date) -> list[Result]:
        return await assessment_results(self._conn, month)

    async def earliest_source(self) -> date | None:
        return await earliest_source(self._conn)

    async def store_month(
        self, month: date, figures: dict[tuple[str, str], Figure], *, indicators: Iterable[str]
    ) -> None:
        at = await _now(self._conn)
        await store_month(self._conn, month, figures, indicators=indicators, at=at)

    async def stored(
        self,
        *,
        since: date,
        until: date,
        indicators: Iterable[str] | None = None,
        parts: str | None = None,
    ) -> list[Stored]:
        return await stored(
            self._conn, since=since, until=until, indicators=indicators, parts=parts
        )

    async def months_held(self, *, since: date) -> set[date]:
        return await months_held(self._conn, since=since)

    async def last_computed(self, *, since: date, until: date) -> datetime | None:
        return await last_computed(self._conn, since=since, until=until)

    async def forget_reach(self, *, before: date) -> None:
        await forget_reach(self._conn, before=before)

    async def targets_of(self, year: int) -> dict[str, float]:
        return await targets_of(self._conn, year)

    async def target_rows(self, year: int) -> dict[str, TargetRow]:
        return await target_rows(self._conn, year)

    async def set_target(
        self, *, indicator: str, year: int, target: float, set_by: str | None
    ) -> float | None:
        at = await _now(self._conn)
        return await set_target(
            self._conn, indicator=indicator, year=year, target=target, set_by=set_by, at=at
        )
