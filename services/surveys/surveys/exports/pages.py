"""Staff downloads of a campaign's responses: a spreadsheet and open data (GET only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shared.web.staff import Viewer
from surveys.deps import UnitOfWork
from surveys.exports import service as exports
from surveys.pages import content_language, staff_language

router = APIRouter(prefix="/surveys/staff", include_in_schema=False)


@router.get("/campaigns/{campaign_id}/responses.xlsx")
async def responses_xlsx(
    campaign_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Viewer
) -> Response:
    lang = content_language(request, staff_language(request))
    body = await exports.responses_xlsx(uow, campaign_id=campaign_id, lang=lang)
    return _download(body, XLSX, f"responses-{campaign_id}.xlsx")


@router.get("/campaigns/{campaign_id}/open-data.csv")
async def open_data_csv(
    campaign_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Viewer
) -> Response:
    lang = content_language(request, staff_language(request))
    body = await exports.open_data_csv(uow, campaign_id=campaign_id, lang=lang)
    return _download(body.encode(), "text/csv; charset=utf-8", f"open-data-{campaign_id}.csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
