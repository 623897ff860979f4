"""Staff API for campaigns: /api/newsletter/campaigns (and the segments they may target)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, status

from newsletter.campaigns import service
from newsletter.campaigns.schemas import (
    ArchiveIn,
    AudienceOut,
    CampaignCreated,
    CampaignIn,
    CampaignOut,
    DraftIn,
    Moved,
    Scheduled,
    ScheduleIn,
    SegmentOut,
    SendIn,
    SendResult,
    TestSendIn,
    TestSent,
)
from newsletter.composer import service as composer
from newsletter.composer.domain import utc_to_helsinki
from newsletter.deps import Settings, Uow
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/newsletter/campaigns", tags=["campaigns"])
segment_router = APIRouter(prefix="/api/newsletter/segments", tags=["campaigns"])


def _refused(exc: service.SendRefused) -> HTTPException:
    """422 with every reason, so a client can show them all at once."""
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        {
            "message": "The campaign cannot be sent yet.",
            "refusals": [
                {"field": r.field, "message": r.message} | ({"link": r.link} if r.link else {})
                for r in exc.refusals
            ],
        },
    )


def draft_of(body: DraftIn) -> composer.Draft:
    data: dict[str, Any] = body.model_dump()
    return composer.Draft(**data)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_campaign(body: CampaignIn, uow: Uow, staff: Editor) -> CampaignCreated:
    data = body.model_dump()
    campaign_id = await service.create_campaign(uow, staff=staff, **data)
    return CampaignCreated(id=campaign_id)


@router.post("/drafts", status_code=status.HTTP_201_CREATED)
async def create_draft(body: DraftIn, uow: Uow, staff: Editor) -> CampaignCreated:
    return CampaignCreated(id=await composer.create_draft(uow, staff=staff, draft=draft_of(body)))


@router.put("/{campaign_id}")
async def update_draft(
    campaign_id: uuid.UUID, body: DraftIn, uow: Uow, staff: Editor
) -> CampaignOut:
    await composer.update_draft(uow, staff=staff, campaign_id=campaign_id, draft=draft_of(body))
    return await read_campaign(campaign_id, uow, staff)


@router.post("/{campaign_id}/send", status_code=status.HTTP_202_ACCEPTED)
async def send_campaign(
    campaign_id: uuid.UUID, uow: Uow, settings: Settings, staff: Editor, body: SendIn | None = None
) -> SendResult:
    try:
        count = await service.send_now(
            uow,
            staff=staff,
            campaign_id=campaign_id,
            settings=settings,
            link_override=body.link_override_reason if body else None,
        )
    except service.SendRefused as exc:
        raise _refused(exc) from exc
    return SendResult(id=campaign_id, recipients=count)


@router.post("/{campaign_id}/schedule")
async def schedule_campaign(
    campaign_id: uuid.UUID, body: ScheduleIn, uow: Uow, settings: Settings, staff: Editor
) -> Scheduled:
    try:
        at = await service.schedule(
            uow,
            staff=staff,
            campaign_id=campaign_id,
            local_time=body.send_at,
            settings=settings,
            link_override=body.link_override_reason,
        )
    except service.SendRefused as exc:
        raise _refused(exc) from exc
    return Scheduled(
        id=campaign_id,
        scheduled_at=at,
        scheduled_at_helsinki=utc_to_helsinki(at).isoformat(timespec="minutes"),
    )


async def _change(uow: Uow, staff: Editor, campaign_id: uuid.UUID, action: str) -> Moved:
    moved = await service.change(uow, staff=staff, campaign_id=campaign_id, action=action)
    found = await service.campaign_status(uow, campaign_id)
    return Moved(id=campaign_id, status=found["status"], deliveries=moved)


@router.post("/{campaign_id}/pause")
async def pause(campaign_id: uuid.UUID, uow: Uow, staff: Editor) -> Moved:
    return await _change(uow, staff, campaign_id, "pause")


@router.post("/{campaign_id}/resume")
async def resume(campaign_id: uuid.UUID, uow: Uow, staff: Editor) -> Moved:
    return await _change(uow, staff, campaign_id, "resume")


@router.post("/{campaign_id}/cancel")
async def cancel(campaign_id: uuid.UUID, uow: Uow, staff: Editor) -> Moved:
    return await _change(uow, staff, campaign_id, "cancel")


@router.post("/{campaign_id}/unschedule")
async def unschedule(campaign_id: uuid.UUID, uow: Uow, staff: Editor) -> Moved:
    return await _change(uow, staff, campaign_id, "unschedule")


@router.post("/{campaign_id}/duplicate", status_code=status.HTTP_201_CREATED)
async def duplicate(campaign_id: uuid.UUID, uow: Uow, staff: Editor) -> CampaignCreated:
    return CampaignCreated(id=await service.duplicate(uow, staff=staff, campaign_id=campaign_id))


@router.put("/{campaign_id}/archive")
async def show_in_archive(
    campaign_id: uuid.UUID, body: ArchiveIn, uow: Uow, staff: Editor
) -> CampaignOut:
    """Show or withdraw the campaign in the public archive and feed (drafts and sent alike)."""
    await service.show_in_archive(uow, staff=staff, campaign_id=campaign_id, shown=body.shown)
    return await read_campaign(campaign_id, uow, staff)


@router.post("/{campaign_id}/test", status_code=status.HTTP_202_ACCEPTED)
async def send_test(
    campaign_id: uuid.UUID, body: TestSendIn, uow: Uow, settings: Settings, staff: Editor
) -> TestSent:
    count = await composer.send_test(
        uow,
        staff=staff,
        campaign_id=campaign_id,
        addresses=body.addresses,
        language=body.language,
        settings=settings,
    )
    return TestSent(id=campaign_id, sent_to=count)


@router.get("/{campaign_id}/audience")
async def audience(
    campaign_id: uuid.UUID, uow: Uow, settings: Settings, staff: Viewer
) -> AudienceOut:
    found = await service.audience_preview(uow, campaign_id)
    return AudienceOut(**found)


@router.get("/{campaign_id}")
async def read_campaign(campaign_id: uuid.UUID, uow: Uow, staff: Viewer) -> CampaignOut:
    found = await service.campaign_status(uow, campaign_id)
    at = found["scheduled_at"]
    shown = utc_to_helsinki(at).isoformat(timespec="minutes") if at else None
    return CampaignOut(**found, scheduled_at_helsinki=shown)


@segment_router.get("")
async def list_segments(uow: Uow, staff: Viewer) -> list[SegmentOut]:
    found = await composer.segment_choices(uow)
    return [SegmentOut(segment_id=r["segment_id"], name=r["name"]) for r in found]
