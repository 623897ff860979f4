"""Staff API for campaigns: /api/newsletter/campaigns."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from newsletter.service import campaigns as service
from newsletter.web.deps import Engine, Settings
from newsletter.web.schemas import CampaignCreated, CampaignIn, CampaignOut, SendResult
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/newsletter/campaigns", tags=["campaigns"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_campaign(body: CampaignIn, engine: Engine, staff: Editor) -> CampaignCreated:
    data = body.model_dump()
    campaign_id = await service.create_campaign(engine, staff=staff, **data)
    return CampaignCreated(id=campaign_id)


@router.post("/{campaign_id}/send", status_code=status.HTTP_202_ACCEPTED)
async def send_campaign(
    campaign_id: uuid.UUID, engine: Engine, settings: Settings, staff: Editor
) -> SendResult:
    count = await service.send_campaign(
        engine,
        staff=staff,
        campaign_id=campaign_id,
        suppression_key=settings.suppression_secret(),
    )
    return SendResult(id=campaign_id, recipients=count)


@router.get("/{campaign_id}")
async def read_campaign(campaign_id: uuid.UUID, engine: Engine, staff: Viewer) -> CampaignOut:
    return CampaignOut(**await service.campaign_status(engine, campaign_id))
