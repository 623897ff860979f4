"""Figures of the staff dashboard, from contacts' own data only.

Network size = people whose membership has started and not ended (active or paused), counted
at the end of each month; the join funnel counts people still held (erased people drop out).

Both read every membership and every snapshot, which takes seconds on a national network, so
they are computed aside and stored (`network_figures`): the worker refreshes them every few
minutes (`refresh_loop`), and a page that finds none younger than MAX_AGE (no worker yet, a
fresh installation, or another day) computes and stores them itself. Campaign and survey
figures are kept as counters as their events arrive (dashboard/repository.py): always current.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ARRAY, Date, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.dashboard import repository as mail_figures
from contacts.dashboard.repository import OriginFigures
from contacts.tables import contact_snapshot, network_figures

log = logging.getLogger(__name__)

UNKNOWN = ""  # people without an organisation type or region
RECENT_CAMPAIGNS = 5
# Contacts does not know when a survey closes: "open" means invitations went out lately.
SURVEY_WINDOW = timedelta(days=90)
MONTHS = 12
# The worker refreshes the stored network figures this often; a page computes them itself
# only when the stored ones are older than MAX_AGE.
REFRESH_EVERY = timedelta(minutes=5)
MAX_AGE = timedelta(minutes=15)
STAGES = ("Signed up", "Confirmed", "Member", "In the Facebook group")


@dataclass(frozen=True)
class Dashboard:
    months: list[date]  # the last day of each month shown, oldest first
    network: list[int]  # network size at each month end
    by_type: dict[str, list[int]]  # organisation type -> size at each month end
    by_region: dict[str, list[int]]
    funnel: list[tuple[str, int]]  # (English stage label, people)
    campaigns: list[OriginFigures]  # the last campaigns, newest first
    surveys: list[OriginFigures]  # survey campaigns that sent invitations lately
    computed_at: datetime | None = None  # when the network figures and the funnel were counted


def month_ends(today: date, count: int) -> list[date]:
    ends: list[date] = []
    first = today.replace(day=1)
    for _ in range(count):
        ends.append(min(today, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return ends[::-1]


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


async def refresh_network_figures(engine: AsyncEngine, *, today: date | None = None) -> datetime:
    """Count the network figures and the funnel now and store them; when they were counted."""
    today = today or datetime.now(UTC).date()
    async with engine.begin() as conn:
        figures = await count_network(conn, month_ends(today, MONTHS))
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


async def _stored(conn: AsyncConnection, today: date) -> tuple[datetime, dict[str, Any]] | None:
    row = (
        await conn.execute(
            select(network_figures.c.computed_at, network_figures.c.figures).where(
                network_figures.c.id == 1
            )
        )
    ).first()
    if row is None:
        return None
    computed_at, figures = row
    fresh = computed_at > datetime.now(UTC) - MAX_AGE
    if not fresh or figures["months"][-1] != today.isoformat():
        return None
    return computed_at, figures


async def dashboard(engine: AsyncEngine, *, today: date | None = None) -> Dashboard:
    now = datetime.now(UTC)
    today = today or now.date()
    async with engine.connect() as conn:
        stored = await _stored(conn, today)
        campaigns = await mail_figures.latest(conn, origin="campaign", limit=RECENT_CAMPAIGNS)
        surveys = await mail_figures.latest(
            conn, origin="survey_invitation", limit=RECENT_CAMPAIGNS, since=now - SURVEY_WINDOW
        )
    if stored is None:
        await refresh_network_figures(engine, today=today)
        async with engine.connect() as conn:
            stored = await _stored(conn, today)
        assert stored is not None, "the network figures just stored are not there"
    computed_at, figures = stored
    return Dashboard(
        months=[date.fromisoformat(m) for m in figures["months"]],
        network=figures["network"],
        by_type=figures["by_type"],
        by_region=figures["by_region"],
        funnel=list(zip(STAGES, figures["funnel"], strict=True)),
        campaigns=campaigns,
        surveys=surveys,
        computed_at=computed_at,
    )


def refresh_loop(
    engine: AsyncEngine, every: timedelta = REFRESH_EVERY
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The worker keeps the stored network figures fresh, so pages never count them."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await refresh_network_figures(engine)
            except Exception:  # the database may be away for a while; the next tick retries
                log.exception("refreshing the dashboard's network figures failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())

    return loop
