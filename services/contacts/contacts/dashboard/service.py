"""Figures of the staff dashboard, from contacts' own data only.

Network size = people whose membership has started and not ended (active or paused), counted
at the end of each month; the join funnel counts people still held (erased people drop out).

Both read every membership and every snapshot, which takes seconds on a national network, so
they are computed aside and stored (`network_figures`): the worker refreshes them every few
minutes (`refresh_loop`), and a page that finds none younger than MAX_AGE (no worker yet, a
fresh installation, or another day) computes and stores them itself. Campaign and survey
figures are kept as counters as their events arrive (dashboard/repository.py): always current.

The use cases take contacts' unit of work (`uow.dashboard`): the counting is the repository's
SQL, the rules of when stored figures may be shown and when to count again are here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contacts.dashboard.repository import OriginFigures
from contacts.unit_of_work import ContactsUnitOfWork

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


async def refresh_network_figures(
    uow: ContactsUnitOfWork, *, today: date | None = None
) -> datetime:
    """Count the network figures and the funnel now and store them; when they were counted."""
    today = today or datetime.now(UTC).date()
    async with uow:
        figures = await uow.dashboard.count_network(month_ends(today, MONTHS))
        computed_at = await uow.dashboard.store_network(figures)
        await uow.commit()
    return computed_at


def usable(
    stored: tuple[datetime, dict[str, Any]] | None, *, today: date, now: datetime
) -> tuple[datetime, dict[str, Any]] | None:
    """Stored figures a page may show: younger than MAX_AGE and ending with today's month."""
    if stored is None:
        return None
    computed_at, figures = stored
    if computed_at <= now - MAX_AGE or figures["months"][-1] != today.isoformat():
        return None
    return stored


async def dashboard(uow: ContactsUnitOfWork, *, today: date | None = None) -> Dashboard:
    now = datetime.now(UTC)
    today = today or now.date()
    async with uow:
        stored = usable(await uow.dashboard.stored_network(), today=today, now=now)
        campaigns = await uow.dashboard.latest(origin="campaign", limit=RECENT_CAMPAIGNS)
        surveys = await uow.dashboard.latest(
            origin="survey_invitation", limit=RECENT_CAMPAIGNS, since=now - SURVEY_WINDOW
        )
    if stored is None:
        await refresh_network_figures(uow, today=today)
        async with uow:  # a refresh committed meanwhile may have won: show what is stored
            stored = usable(await uow.dashboard.stored_network(), today=today, now=now)
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
    new_uow: Callable[[], ContactsUnitOfWork], every: timedelta = REFRESH_EVERY
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The worker keeps the stored network figures fresh, so pages never count them (a fresh
    unit of work from `new_uow` per round)."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await refresh_network_figures(new_uow())
            except Exception:  # the database may be away for a while; the next tick retries
                log.exception("refreshing the dashboard's network figures failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())

    return loop
