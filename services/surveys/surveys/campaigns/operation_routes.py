"""Staff API of a campaign's operations (the same use cases as its page): what launching
would do, a test send, a reminder now, close now, a new closing time, the reminder schedule
and the invitation texts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter

from shared.web.staff import Editor, Viewer
from surveys.campaigns import operations
from surveys.campaigns.schemas import ClosingIn, InvitationIn, RemindersIn, TestSendIn
from surveys.deps import LinkMaker, UnitOfWork, actor

router = APIRouter(prefix="/api/surveys/campaigns", tags=["campaigns"])


@router.get("/{campaign_id}/launch-check")
async def launch_check(campaign_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> dict[str, Any]:
    """Audience by language, languages missing or incomplete in the survey, unwritten
    questions, and the invitation in each language."""
    check = await operations.launch_check(uow, campaign_id=campaign_id)
    check["previews"] = {
        lang: {"subject": m.subject, "greeting": m.greeting, "paragraphs": list(m.paragraphs)}
        for lang, m in check["previews"].items()
    }
    return check


@router.post("/{campaign_id}/test-send")
async def test_send(
    campaign_id: uuid.UUID, body: TestSendIn, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, str]:
    sent_to = await operations.send_test(
        uow,
        campaign_id,
        to_email=body.to_email,
        language=body.language,
        links=links,
        actor=actor(staff),
    )
    return {"sent_to": sent_to, "language": body.language}


@router.post("/{campaign_id}/remind")
async def remind_now(
    campaign_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, int]:
    sent = await operations.remind_now(uow, campaign_id, links=links, actor=actor(staff))
    return {"reminded": sent}


@router.post("/{campaign_id}/close")
async def close_now(campaign_id: uuid.UUID, uow: UnitOfWork, staff: Editor) -> dict[str, str]:
    campaign = await operations.close_now(uow, campaign_id, actor=actor(staff))
    return {"closes_at": campaign.closes_at.isoformat()}


@router.put("/{campaign_id}/closing")
async def change_closing(
    campaign_id: uuid.UUID, body: ClosingIn, uow: UnitOfWork, staff: Editor
) -> dict[str, str]:
    campaign = await operations.change_closing(
        uow, campaign_id, closes_at=body.closes_at, actor=actor(staff)
    )
    return {"closes_at": campaign.closes_at.isoformat()}


@router.put("/{campaign_id}/reminders")
async def change_reminders(
    campaign_id: uuid.UUID, body: RemindersIn, uow: UnitOfWork, staff: Editor
) -> dict[str, Any]:
    campaign = await operations.change_reminders(
        uow,
        campaign_id,
        max_reminders=body.max_reminders,
        interval=timedelta(hours=body.interval_hours),
        actor=actor(staff),
    )
    hours = campaign.reminder_interval.total_seconds() / 3600
    return {"max_reminders": campaign.max_reminders, "interval_hours": hours}


@router.put("/{campaign_id}/invitation")
async def change_invitation(
    campaign_id: uuid.UUID, body: InvitationIn, uow: UnitOfWork, staff: Editor
) -> dict[str, Any]:
    texts = {f"subject_{lang}": v for lang, v in body.subject.items()}
    texts |= {f"body_{lang}": v for lang, v in body.body.items()}
    campaign = await operations.change_invitation(uow, campaign_id, texts=texts, actor=actor(staff))
    return {"invitation": campaign.invitation}
