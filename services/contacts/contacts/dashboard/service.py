"""Figures of the staff dashboard, from contacts' own data only.

Network size = people whose membership has started and not ended (active or paused), counted
at the end of each month; the join funnel counts people still held (erased people drop out).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.dashboard import repository as mail_figures
from contacts.dashboard.repository import OriginFigures
from contacts.tables import contact_snapshot, memberships

UNKNOWN = ""  # people without an organisation type or region
RECENT_CAMPAIGNS = 5
# Contacts does not know when a survey closes: "open" means invitations went out lately.
SURVEY_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Dashboard:
    months: list[date]  # the last day of each month shown, oldest first
    network: list[int]  # network size at each month end
    by_type: dict[str, list[int]]  # organisation type -> size at each month end
    by_region: dict[str, list[int]]
    funnel: list[tuple[str, int]]  # (English stage label, people)
    campaigns: list[OriginFigures]  # the last campaigns, newest first
    surveys: list[OriginFigures]  # survey campaigns that sent invitations lately


def month_ends(today: date, count: int) -> list[date]:
    ends: list[date] = []
    first = today.replace(day=1)
    for _ in range(count):
        ends.append(min(today, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return ends[::-1]


async def dashboard(
    engine: AsyncEngine, *, months: int = 12, today: date | None = None
) -> Dashboard:
    now = datetime.now(UTC)
    today = today or now.date()
    ends = month_ends(today, months)
    m, s = memberships.c, contact_snapshot.c
    async with engine.connect() as conn:
        spans = (
            await conn.execute(
                select(m.started_at, m.ended_at, s.organisation_type, s.region)
                .join(contact_snapshot, s.contact_id == m.person_id)
                .where(m.started_at.is_not(None), s.erased.is_(False))
            )
        ).all()
        held = s.erased.is_(False)
        funnel_row = (
            await conn.execute(
                select(
                    func.count(),
                    func.count().filter(s.confirmed_at.is_not(None)),
                    func.count().filter(s.membership_state.in_(("active", "paused"))),
                    func.count().filter(s.onboarding_state == "approved"),
                ).where(held)
            )
        ).one()
        campaigns = await mail_figures.latest(conn, origin="campaign", limit=RECENT_CAMPAIGNS)
        surveys = await mail_figures.latest(
            conn, origin="survey_invitation", limit=RECENT_CAMPAIGNS, since=now - SURVEY_WINDOW
        )
    network = [0] * len(ends)
    by_type: dict[str, Counter[int]] = {}
    by_region: dict[str, Counter[int]] = {}
    for started_at, ended_at, org_type, region in spans:
        for i, end in enumerate(ends):
            if started_at.date() <= end and (ended_at is None or ended_at.date() > end):
                network[i] += 1
                by_type.setdefault(org_type or UNKNOWN, Counter())[i] += 1
                by_region.setdefault(region or UNKNOWN, Counter())[i] += 1
    stages = ("Signed up", "Confirmed", "Member", "In the Facebook group")
    return Dashboard(
        months=ends,
        network=network,
        by_type={k: [c[i] for i in range(len(ends))] for k, c in sorted(by_type.items())},
        by_region={k: [c[i] for i in range(len(ends))] for k, c in sorted(by_region.items())},
        funnel=list(zip(stages, (int(v) for v in funnel_row), strict=True)),
        campaigns=campaigns,
        surveys=surveys,
    )
