"""Use cases of the impact chain: count a month, keep the figures fresh, the year's view,
targets (audited), and the open datasets.

Counting a month reads contacts' own tables only (mail_origins, mail_reach,
survey_responses_seen, visit_requests, memberships, organisations, activity,
assessment_results, and through participation's service event_catalogue and
event_participation); the figures
go to `impact_figures`, one row per indicator, month and part, so a year's view reads a few
hundred rows and the history stays when what it was counted from is gone (retention,
erasure). The worker counts the current and the previous month every REFRESH_EVERY and any
month since the first membership or campaign that has no figures yet; `recompute_month`
counts one month again on demand (`python -m contacts.main impact-recount 2026-03`).

The use cases take contacts' unit of work (`uow.impact`, and `uow.audit` for the targets).
`record_reach` is the exception: it runs inside the mail-event consumer's own transaction
(activity, not on the typed unit of work yet) and takes that connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from contacts.audit.domain import Actor
from contacts.classification import Classification, load_classification
from contacts.errors import InvalidInput
from contacts.impact import domain, self_assessment
from contacts.impact import repository as store
from contacts.impact.domain import (
    CATALOGUE,
    NETWORK_SIZE,
    WHOLE,
    YEAR_TO_DATE,
    Figure,
    Indicator,
)
from contacts.unit_of_work import ContactsUnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(minutes=15)
BACKFILL_MONTHS = 36  # the worker fills in at most this many earlier months without figures
# Who was sent a campaign is kept this many months before the current one (as newsletter keeps
# its tracking events 13 months): every month of this and last year's reach stays countable.
REACH_KEPT_MONTHS = 12
COUNTED = [i.key for i in CATALOGUE if i.counted] + [NETWORK_SIZE]


def _municipalities(classification: Classification) -> dict[str, str]:
    return {m.code: m.region_code for m in classification.municipalities}


def _region_of(partner: store.Partner, municipalities: Mapping[str, str]) -> str:
    return partner.region or municipalities.get(partner.municipality, "")


async def count_month(
    uow: ContactsUnitOfWork, month: date, municipalities: Mapping[str, str]
) -> dict[tuple[str, str], Figure]:
    """Every counted indicator's figures for one month (first day), by (indicator, part),
    inside the caller's unit of work."""
    sources = uow.impact
    got: dict[tuple[str, str], Figure] = {}
    got["campaigns_sent", WHOLE] = Figure.count(await sources.origins_started("campaign", month))
    got["surveys_run", WHOLE] = Figure.count(
        await sources.origins_started("survey_invitation", month)
    )
    got["visits_made", WHOLE] = Figure.count(await sources.visits_done(month))
    in_month, year_to_date = await sources.reach(month)
    got["newsletter_reach", WHOLE] = Figure.count(in_month)
    got["newsletter_reach", YEAR_TO_DATE] = Figure.count(year_to_date)
    mail = await sources.campaign_totals(month)
    delivered = mail.sent - mail.bounced
    got["delivery_rate", WHOLE] = Figure.share(delivered, mail.sent)
    got["open_rate", WHOLE] = Figure.share(mail.opened, delivered)
    got["click_rate", WHOLE] = Figure.share(mail.clicked, delivered)
    got["survey_responses", WHOLE] = Figure.count(await sources.responses_submitted(month))
    invitations, responses = await sources.survey_invitations_and_responses(month)
    got["response_rate", WHOLE] = Figure.share(responses, invitations)
    got["network_growth", WHOLE] = Figure.count(await sources.memberships_started(month))
    events = await sources.event_counts(month)
    got["events_held", WHOLE] = Figure.count(events.events_held)
    got["registrations", WHOLE] = Figure.count(events.registrations)
    got["attendance_rate", WHOLE] = Figure.share(events.attended, events.seated)

    partners = await sources.partners(month)
    cover = domain.coverage(((p.municipality, p.org_type) for p in partners), municipalities)
    got["coverage", WHOLE] = cover.whole
    for region, figure in cover.by_region.items():
        got["coverage", f"region:{region}"] = figure
    for org_type, figure in cover.by_type.items():
        got["coverage", f"type:{org_type}"] = figure
    got["active_partners", WHOLE] = Figure.share(sum(p.engaged for p in partners), len(partners))
    groups: dict[str, list[bool]] = {}
    for p in partners:
        region = _region_of(p, municipalities)
        if region:
            groups.setdefault(f"region:{region}", []).append(p.engaged)
        groups.setdefault(f"type:{p.org_type}", []).append(p.engaged)
    for part, engaged in sorted(groups.items()):
        got["active_partners", part] = Figure.share(sum(engaged), len(engaged))

    results = await sources.assessment_results(month)
    of_month = [r for r in results if domain.month_start(r.taken_on) == month]
    for part, figure in self_assessment.score_figures(of_month).items():
        got[self_assessment.SCORE, part] = figure
    for part, figure in self_assessment.change_figures(results).items():
        got[self_assessment.CHANGE, part] = figure

    cells = await sources.network_cells(month)
    got[NETWORK_SIZE, WHOLE] = Figure.count(sum(cells.values()))
    for (region, org_type), members in sorted(cells.items()):
        got[NETWORK_SIZE, f"cell:{region}|{org_type}"] = Figure.count(members)
    return got


def reach_kept_since(today: date) -> date:
    """`mail_reach` keeps the current month and the REACH_KEPT_MONTHS before it."""
    month = domain.month_start(today)
    for _ in range(REACH_KEPT_MONTHS):
        month = domain.previous_month(month)
    return month


async def recompute_month(
    uow: ContactsUnitOfWork,
    month: date,
    *,
    classification: Classification | None = None,
    today: date | None = None,
) -> dict[tuple[str, str], Figure]:
    """Count one month again and store its figures in place of the earlier ones.

    The newsletter's reach of a year whose `mail_reach` rows are partly gone (retention) is
    not counted again: its stored figures stay as they were counted."""
    month = domain.month_start(month)
    municipalities = _municipalities(classification or load_classification())
    kept = date(month.year, 1, 1) >= reach_kept_since(today or datetime.now(UTC).date())
    indicators = [k for k in COUNTED if kept or k != "newsletter_reach"]
    async with uow:
        counted = await count_month(uow, month, municipalities)
        figures = {key: f for key, f in counted.items() if key[0] in indicators}
        await uow.impact.store_month(month, figures, indicators=indicators)
        await uow.commit()
    return figures


async def refresh(uow: ContactsUnitOfWork, *, today: date | None = None) -> list[date]:
    """The current and the previous month, and any earlier month without figures yet."""
    today = today or datetime.now(UTC).date()
    current = domain.month_start(today)
    previous = domain.previous_month(current)
    months = [previous, current]
    async with uow:
        earliest = await uow.impact.earliest_source()
        oldest = current
        for _ in range(BACKFILL_MONTHS):
            oldest = domain.previous_month(oldest)
        held = await uow.impact.months_held(since=oldest)
    if earliest is not None:
        month = max(earliest, oldest)
        while month < previous:  # every missing month (not only the first one found)
            if month not in held:
                months.append(month)
            month = domain.next_month(month)
    classification = load_classification()
    for month in sorted(set(months)):
        await recompute_month(uow, month, classification=classification, today=today)
    async with uow:
        await uow.impact.forget_reach(before=reach_kept_since(today))
        await uow.commit()
    return sorted(set(months))


def refresh_loop(
    new_uow: Callable[[], ContactsUnitOfWork], every: timedelta = REFRESH_EVERY
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The worker keeps this and last month's figures fresh, and fills in missing months (a
    fresh unit of work from `new_uow` per round)."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await refresh(new_uow())
            except Exception:  # the database may be away for a while; the next tick retries
                log.exception("counting the impact figures failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())

    return loop


# --- the year's view ----------------------------------------------------------------------


@dataclass(frozen=True)
class Lag:
    kind: str  # "region" or "type"
    code: str
    figure: Figure


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    months: list[Figure | None]  # one per month of the year so far
    year: Figure | None
    target: float | None
    progress: float | None
    trend: domain.Trend
    lagging: list[Lag] = field(default_factory=list)
    by_area: dict[str, Figure] = field(default_factory=dict)  # self-assessment area -> figure


@dataclass(frozen=True)
class ImpactView:
    year: int
    months: list[date]
    stages: dict[domain.Stage, list[IndicatorView]]
    computed_at: datetime | None

    def rows(self) -> list[IndicatorView]:
        return [row for stage in domain.STAGES for row in self.stages[stage]]


def _lags(ind: Indicator, parts: Mapping[str, Figure], whole: Figure | None) -> list[Lag]:
    if whole is None or not ind.parts:
        return []
    found: list[Lag] = []
    for kind in ind.parts:
        of_kind = {p.split(":", 1)[1]: f for p, f in parts.items() if p.startswith(f"{kind}:")}
        found += [Lag(kind, code, of_kind[code]) for code in domain.lagging(of_kind, whole)]
    return found


def build_view(
    year: int,
    months: list[date],
    figures: list[store.Stored],
    targets: Mapping[str, float],
    computed_at: datetime | None,
) -> ImpactView:
    index = {m: i for i, m in enumerate(months)}
    whole: dict[str, list[Figure | None]] = {}
    to_date: dict[str, list[Figure | None]] = {}
    last_parts: dict[str, dict[str, Figure]] = {}
    last_month: dict[str, date] = {}
    for row in figures:
        if row.month not in index:
            continue
        i = index[row.month]
        if row.part == WHOLE:
            whole.setdefault(row.indicator, [None] * len(months))[i] = row.figure
        elif row.part == YEAR_TO_DATE:
            to_date.setdefault(row.indicator, [None] * len(months))[i] = row.figure
        else:
            if last_month.get(row.indicator, date.min) < row.month:
                last_month[row.indicator] = row.month
                last_parts[row.indicator] = {}
            last_parts[row.indicator][row.part] = row.figure
    stages: dict[domain.Stage, list[IndicatorView]] = {s: [] for s in domain.STAGES}
    for ind in CATALOGUE:
        series = whole.get(ind.key, [None] * len(months))
        months_for_year = to_date.get(ind.key, series) if ind.aggregate == YEAR_TO_DATE else series
        year_fig = domain.year_figure(ind, months_for_year) if ind.counted else None
        target = targets.get(ind.key)
        latest = next((f for f in reversed(series) if f is not None), None)
        stages[ind.stage].append(
            IndicatorView(
                indicator=ind,
                months=series,
                year=year_fig,
                target=target,
                progress=domain.progress(ind, year_fig, target),
                trend=domain.trend([f.value if f else None for f in series]),
                lagging=_lags(ind, last_parts.get(ind.key, {}), latest),
                by_area={
                    part.removeprefix("area:"): figure
                    for part, figure in sorted(last_parts.get(ind.key, {}).items())
                    if part.startswith("area:")
                },
            )
        )
    return ImpactView(year, months, stages, computed_at)


async def impact_view(
    uow: ContactsUnitOfWork, *, year: int, today: date | None = None
) -> ImpactView:
    """The year's figures as stored; the current month is counted first when it has none."""
    today = today or datetime.now(UTC).date()
    months = domain.months_of(year, today)
    since, until = store.year_bounds(year)
    async with uow:
        held = await uow.impact.months_held(since=domain.month_start(today))
    if year == today.year and domain.month_start(today) not in held:
        await recompute_month(uow, domain.month_start(today), today=today)
    async with uow:
        figures = await uow.impact.stored(since=since, until=until)
        targets = await uow.impact.targets_of(year)
        computed_at = await uow.impact.last_computed(since=since, until=until)
    return build_view(year, months, figures, targets, computed_at)


# --- targets ------------------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 2020, 2100


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"The year is between {FIRST_YEAR} and {LAST_YEAR}.", field="year")
    return year


async def set_target(
    uow: ContactsUnitOfWork, *, actor: Actor, indicator: str, year: int, target: str
) -> float:
    """Staff set an indicator's target for a year (a count, or a per cent); audited."""
    try:
        ind = domain.indicator(indicator)
    except ValueError:
        raise InvalidInput("No such indicator.", field="indicator") from None
    check_year(year)
    try:
        value = domain.parse_target(ind, target)
    except ValueError as error:
        raise InvalidInput(str(error), field=indicator) from None
    async with uow:
        before = await uow.impact.set_target(
            indicator=ind.key, year=year, target=value, set_by=actor.id
        )
        await uow.audit.record(
            actor,
            "impact.target_set",
            target_type="impact_target",
            target_id=f"{ind.key}/{year}",
            details={"indicator": ind.key, "year": year, "target": value, "before": before},
        )
        await uow.commit()
    return value


async def targets(uow: ContactsUnitOfWork, *, year: int) -> dict[str, store.TargetRow]:
    async with uow:
        return await uow.impact.target_rows(year)


async def record_reach(conn: AsyncConnection, *, person_id: uuid.UUID, at: datetime) -> None:
    """A campaign mail was sent to this person (the mail event's consumer, its transaction)."""
    await store.record_reach(conn, person_id=person_id, on=at.astimezone(UTC).date())
