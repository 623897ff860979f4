"""Staff API of survey campaigns: /api/surveys/campaigns."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from shared.web.staff import Editor, Viewer
from surveys.campaigns import overview as staff_views
from surveys.campaigns import service as campaigns
from surveys.campaigns.schemas import CampaignIn
from surveys.campaigns.service import Links
from surveys.deps import LinkMaker, Settings, UnitOfWork, actor
from surveys.open_link import service as open_link
from surveys.results import service as results

router = APIRouter(prefix="/api/surveys/campaigns", tags=["campaigns"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_campaign(
    body: CampaignIn, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, Any]:
    campaign = await campaigns.create_campaign(uow, **body.model_dump(), actor=actor(staff))
    return await _status(uow, links, campaign.id)


@router.get("/{campaign_id}")
async def read_campaign(
    campaign_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker, staff: Viewer
) -> dict[str, Any]:
    return await _status(uow, links, campaign_id)


async def _status(uow: UnitOfWork, links: Links, campaign_id: uuid.UUID) -> dict[str, Any]:
    """The campaign's progress, with its public link (`open_link_url`, null when it has none)
    and how many anonymous answers wait in the ballot box for their batch (`awaiting_batch`)."""
    status_ = await campaigns.campaign_status(uow, campaign_id=campaign_id)
    has_link, waiting = await staff_views.open_link_and_ballots(uow, campaign_id=campaign_id)
    url = open_link.open_url(links.base_url, links.keys, campaign_id) if has_link else None
    return status_ | {"open_link_url": url, "awaiting_batch": waiting}


@router.post("/{campaign_id}/launch")
async def launch_campaign(
    campaign_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, Any]:
    invited = await campaigns.launch_campaign(uow, campaign_id, links=links, actor=actor(staff))
    return {"invited": invited}


@router.post("/reminders")
async def send_reminders(
    uow: UnitOfWork, links: LinkMaker, settings: Settings, staff: Editor
) -> dict[str, int]:
    """Run the reminder schedule now (the worker runs it on its own too)."""
    sent = await campaigns.send_due_reminders(
        uow, links=links, batch_size=settings.reminder_batch_size
    )
    return {"reminded": sent}


@router.get("/{campaign_id}/results")
async def read_results(
    campaign_id: uuid.UUID,
    uow: UnitOfWork,
    staff: Viewer,
    lang: str = "fi",
    by: str | None = Query(None, description="organisation_type, region, language or q:<id>"),
) -> dict[str, Any]:
    return await results.campaign_results(uow, campaign_id=campaign_id, lang=lang, by=by)


@router.get("/{campaign_id}/responses.csv")
async def export_responses(campaign_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> Response:
    body = await results.responses_csv(uow, campaign_id=campaign_id)
    return _csv(body, f"responses-{campaign_id}.csv")


@router.get("/{campaign_id}/codebook.csv")
async def export_codebook(
    campaign_id: uuid.UUID, uow: UnitOfWork, staff: Viewer, lang: str = "fi"
) -> Response:
    body = await results.codebook_csv(uow, campaign_id=campaign_id, lang=lang)
    return _csv(body, f"codebook-{campaign_id}.csv")


def _csv(body: str, filename: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
