"""Staff pages for campaigns: a list, details with statistics and previews, "send now"."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsletter.domain.campaign import parse_content
from newsletter.domain.errors import Conflict, NotFound
from newsletter.domain.tracking import strip_personal_links
from newsletter.persistence import campaigns as campaign_rows
from newsletter.persistence import tracking as tracking_rows
from newsletter.service import archive, campaigns, tracking
from newsletter.web.archive import mail_page
from newsletter.web.deps import Engine, Settings
from newsletter.web.pages import mail_templates, pages, staff_language
from shared.web.security import check_csrf
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/newsletter/staff/campaigns", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
async def campaign_list(request: Request, engine: Engine, staff: Viewer) -> Response:
    request.state.staff = staff
    async with engine.connect() as conn:
        found = await tracking_rows.campaign_overview(conn)
    return pages.render(
        request, "pages/staff_campaigns.html", {"campaigns": found}, lang=staff_language(request)
    )


async def _details(
    request: Request,
    engine: Engine,
    staff: Staff,
    campaign_id: uuid.UUID,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    async with engine.connect() as conn:
        campaign = await campaign_rows.get(conn, campaign_id)
    if campaign is None:
        raise NotFound("No such campaign.")
    languages = list(parse_content(campaign["content"], campaign["default_language"]))
    return pages.render(
        request,
        "pages/staff_campaign.html",
        {
            "campaign": campaign,
            "languages": languages,
            "stats": await tracking.campaign_stats(engine, campaign_id),
            "may_send": staff.may("editor") and campaign["status"] == "draft",
            "errors": errors or {},
        },
        lang=staff_language(request),
        status_code=status_code,
    )


@router.get("/{campaign_id}", response_class=HTMLResponse)
async def campaign_details(
    campaign_id: uuid.UUID, request: Request, engine: Engine, staff: Viewer
) -> Response:
    return await _details(request, engine, staff, campaign_id)


@router.get("/{campaign_id}/preview", response_class=HTMLResponse)
async def campaign_preview(
    campaign_id: uuid.UUID, lang: str, engine: Engine, settings: Settings, staff: Viewer
) -> HTMLResponse:
    """The mail for an iframe of the details page (same origin only)."""
    shown = await archive.preview(
        engine, mail_templates(settings.public_base_url), campaign_id, lang
    )
    return mail_page(strip_personal_links(shown.html), lang)


@router.post("/{campaign_id}/send", dependencies=[Depends(check_csrf)])
async def send_now(
    campaign_id: uuid.UUID, request: Request, engine: Engine, settings: Settings, staff: Editor
) -> Response:
    form = await request.form()
    if form.get("confirm") != "yes":
        return await _details(
            request,
            engine,
            staff,
            campaign_id,
            errors={"confirm": "Tick the box to confirm that the campaign goes out now."},
            status_code=422,
        )
    try:
        await campaigns.send_campaign(
            engine,
            staff=staff,
            campaign_id=campaign_id,
            suppression_key=settings.suppression_secret(),
        )
    except Conflict:
        return await _details(
            request,
            engine,
            staff,
            campaign_id,
            errors={"confirm": "This campaign has already been sent."},
            status_code=status.HTTP_409_CONFLICT,
        )
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such campaign") from exc
    return RedirectResponse(
        f"/newsletter/staff/campaigns/{campaign_id}", status_code=status.HTTP_303_SEE_OTHER
    )
