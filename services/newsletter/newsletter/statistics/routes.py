"""Staff API for a campaign's figures: /api/newsletter/campaigns/{id}/stats (JSON and CSV)
and /progress."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from newsletter.deps import Uow
from newsletter.statistics import service
from newsletter.statistics.domain import format_eta
from shared.web.staff import Viewer

router = APIRouter(prefix="/api/newsletter/campaigns", tags=["campaigns"])


@router.get("/{campaign_id}/stats")
async def campaign_stats(campaign_id: uuid.UUID, uow: Uow, staff: Viewer) -> dict[str, Any]:
    """Opens and clicks (unique and total), per link, unsubscribes, bounces, first 48 h hourly."""
    return await service.campaign_stats(uow, campaign_id)


@router.get("/{campaign_id}/stats.csv")
async def campaign_stats_csv(campaign_id: uuid.UUID, uow: Uow, staff: Viewer) -> Response:
    stats = await service.campaign_stats(uow, campaign_id)
    out = io.StringIO()
    csv.writer(out).writerows(service.stats_csv_rows(stats))
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign_id}.csv"'},
    )


@router.get("/{campaign_id}/progress")
async def campaign_progress(campaign_id: uuid.UUID, uow: Uow, staff: Viewer) -> dict[str, object]:
    """Sent, failed, remaining, mails per minute over the last minute, ETA in seconds."""
    now = await service.campaign_progress(uow, campaign_id)
    return now.as_dict() | {"eta": format_eta(now.eta_s)}
