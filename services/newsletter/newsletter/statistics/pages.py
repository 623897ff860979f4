"""Staff pages of a campaign's figures: statistics (charts and tables) and live progress."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from newsletter.deps import Uow
from newsletter.rendering import pages, staff_language
from newsletter.statistics import service
from newsletter.statistics.domain import format_eta, rates
from shared.web.charts import bar_chart, line_chart
from shared.web.staff import Viewer

router = APIRouter(prefix="/newsletter/staff/campaigns", include_in_schema=False)
PROGRESS_REFRESH_S = 10  # the no-JavaScript page reloads itself this often while sending


@router.get("/{campaign_id}/stats", response_class=HTMLResponse)
async def campaign_stats_page(
    campaign_id: uuid.UUID, request: Request, uow: Uow, staff: Viewer
) -> Response:
    request.state.staff = staff
    stats = await service.campaign_stats(uow, campaign_id)
    name = await service.campaign_name(uow, campaign_id)
    return pages.render(
        request,
        "pages/staff_campaign_stats.html",
        {
            "name": name,
            "stats": stats,
            "attempted": stats["sent"] + stats["bounces"],
            "rates": rates(stats),
            "bar_chart": bar_chart,
            "line_chart": line_chart,
        },
        lang=staff_language(request),
    )


@router.get("/{campaign_id}/progress", response_class=HTMLResponse)
async def campaign_progress_page(
    campaign_id: uuid.UUID, request: Request, uow: Uow, staff: Viewer
) -> Response:
    request.state.staff = staff
    now = await service.campaign_progress(uow, campaign_id)
    name = await service.campaign_name(uow, campaign_id)
    return pages.render(
        request,
        "pages/staff_campaign_progress.html",
        {
            "campaign_id": campaign_id,
            "name": name,
            "p": now,
            "eta": format_eta(now.eta_s),
            "refresh_s": None if now.done else PROGRESS_REFRESH_S,
        },
        lang=staff_language(request),
    )
