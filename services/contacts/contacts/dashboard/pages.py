"""The staff home (/staff/): network size over time and the join funnel, as SVG charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from babel.dates import format_date
from babel.numbers import format_percent
from fastapi import APIRouter, Request, Response

from contacts.classification import load_classification
from contacts.dashboard.service import dashboard
from contacts.deps import Uow
from contacts.participation import service as participation
from contacts.rendering import pages, staff_language
from contacts.signup.pages.signup import TYPE_LABELS
from shared.web.charts import bar_chart, line_chart
from shared.web.pages import BABEL_LOCALES
from shared.web.staff import Viewer

EVENTS_SHOWN = timedelta(days=365)  # events starting within this, and later ones


async def render_dashboard(request: Request, uow: Uow) -> Response:
    """Rendered by the staff home route (staff_pages), which checks the Viewer role.

    Labels go to the template as English source strings; the template translates them and
    draws the charts, so the chart, its <desc> and the table beside show the same words.
    """
    lang = staff_language(request)
    figures = await dashboard(uow)
    locale = BABEL_LOCALES.get(lang, "fi_FI")
    months = [format_date(m, "LLL yyyy", locale=locale) for m in figures.months]
    classification = load_classification()
    regions = {r.code: r.name(lang) for r in classification.regions}
    municipalities = {m.code: m.name(lang) for m in classification.municipalities}
    by_region, by_municipality, by_type = await participation.dashboard(
        uow, since=datetime.now(UTC) - EVENTS_SHOWN
    )
    return pages.render(
        request,
        "staff_dashboard.html",
        {
            "months": months,
            "growth": list(zip(months, figures.network, strict=True)),
            "by_type": [
                (TYPE_LABELS.get(k, k) or "Unknown", v) for k, v in figures.by_type.items()
            ],
            "by_region": [
                (regions.get(k, k) or "Unknown", v) for k, v in figures.by_region.items()
            ],
            "funnel": figures.funnel,
            "campaigns": figures.campaigns,
            "surveys": figures.surveys,
            # (code, name, events, registrations, attended); "" = online or no organisation
            "event_regions": [(c, regions.get(c, c), *n) for c, *n in by_region],
            "event_municipalities": [
                (c, municipalities.get(c, c), *n) for c, *n in by_municipality
            ],
            "event_types": [(c, TYPE_LABELS.get(c, c), *n) for c, *n in by_type],
            "computed_at": figures.computed_at,
            "fmt_percent": lambda share: format_percent(share, locale=locale),
            "share": lambda part, whole: part / whole if whole else 0.0,
            "bar_chart": bar_chart,
            "line_chart": line_chart,
        },
        lang=lang,
    )


router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/")
async def home(request: Request, uow: Uow, staff: Viewer) -> Response:
    request.state.staff = staff
    return await render_dashboard(request, uow)
