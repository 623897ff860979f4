"""Staff forms of a campaign's page beyond launching: invitation texts, a test send, and for
a running campaign a reminder now, close now, a new closing time and the reminder schedule.
Each goes through `campaigns.operations` (audited) and comes back to the campaign page."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response

from shared.web.staff import Editor, Staff
from surveys.campaigns import operations
from surveys.campaigns.pages import _campaign, _number, _parse_local
from surveys.deps import LinkMaker, UnitOfWork, actor
from surveys.errors import Conflict, InvalidInput

router = APIRouter(prefix="/surveys/staff/campaigns", include_in_schema=False)
FIELDS = {"reminder": "interval", "closes_at": "closes_at"}


async def _form(request: Request) -> dict[str, str]:
    raw = await request.form()
    return {k: v for k, v in raw.items() if isinstance(v, str)}


def _back(campaign_id: uuid.UUID, done: str, n: int | None = None) -> Response:
    extra = "" if n is None else f"&n={n}"
    return RedirectResponse(
        f"/surveys/staff/campaigns/{campaign_id}?done={done}{extra}",
        status_code=status.HTTP_303_SEE_OTHER,
    )


async def _refused(
    request: Request,
    uow: UnitOfWork,
    staff: Staff,
    campaign_id: uuid.UUID,
    links: Any,
    form: dict[str, str],
    exc: InvalidInput | Conflict,
) -> Response:
    if isinstance(exc, Conflict):
        return await _campaign(request, uow, staff, campaign_id, exc.message, links, 409)
    field = FIELDS.get(exc.field or "", exc.field or "")
    error = {"message": exc.message, "field": field}
    return await _campaign(
        request, uow, staff, campaign_id, None, links, 422, form=form, field_error=error
    )


@router.post("/{campaign_id}/invitation")
async def change_invitation(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Editor,
) -> Response:
    form = await _form(request)
    try:
        await operations.change_invitation(uow, campaign_id, texts=form, actor=actor(staff))
    except (InvalidInput, Conflict) as exc:
        return await _refused(request, uow, staff, campaign_id, links, form, exc)
    return _back(campaign_id, "invitation")


@router.post("/{campaign_id}/test-send")
async def test_send(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Editor,
) -> Response:
    form = await _form(request)
    language = form.get("test_language", "fi")
    try:
        sent_to = await operations.send_test(
            uow,
            campaign_id,
            to_email=form.get("test_email", ""),
            language=language,
            links=links,
            actor=actor(staff),
        )
    except (InvalidInput, Conflict) as exc:
        return await _refused(request, uow, staff, campaign_id, links, form, exc)
    notice = {"test_to": sent_to, "test_language": language}
    return await _campaign(request, uow, staff, campaign_id, None, links, notice=notice)


@router.post("/{campaign_id}/remind")
async def remind_now(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Editor,
) -> Response:
    try:
        sent = await operations.remind_now(uow, campaign_id, links=links, actor=actor(staff))
    except Conflict as exc:
        return await _refused(request, uow, staff, campaign_id, links, {}, exc)
    return _back(campaign_id, "reminded", sent)


@router.post("/{campaign_id}/close")
async def close_now(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Editor,
) -> Response:
    try:
        await operations.close_now(uow, campaign_id, actor=actor(staff))
    except Conflict as exc:
        return await _refused(request, uow, staff, campaign_id, links, {}, exc)
    return _back(campaign_id, "closed")


@router.post("/{campaign_id}/closing")
async def change_closing(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Editor,
) -> Response:
    form = await _form(request)
    try:
        closes_at = _parse_local(form.get("closes_at", ""), "closes_at")
        await operations.change_closing(uow, campaign_id, closes_at=closes_at, actor=actor(staff))
    except (InvalidInput, Conflict) as exc:
        return await _refused(request, uow, staff, campaign_id, links, form, exc)
    return _back(campaign_id, "closing")


def interval_of(form: dict[str, str]) -> timedelta:
    """`interval` in `interval_unit` (hours or days)."""
    value = _number(form.get("interval", ""), "reminder")
    unit = form.get("interval_unit", "days")
    if unit not in ("hours", "days"):
        raise InvalidInput("hours or days", field="reminder")
    if not 0 < value <= 1440:
        raise InvalidInput("an interval of 1 hour to 60 days", field="reminder")
    return timedelta(hours=value) if unit == "hours" else timedelta(days=value)


@router.post("/{campaign_id}/reminders")
async def change_reminders(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Editor,
) -> Response:
    form = await _form(request)
    try:
        count = _number(form.get("max_reminders", ""), "max_reminders")
        if not count.is_integer():
            raise InvalidInput("a whole number", field="max_reminders")
        await operations.change_reminders(
            uow,
            campaign_id,
            max_reminders=int(count),
            interval=interval_of(form),
            actor=actor(staff),
        )
    except (InvalidInput, Conflict) as exc:
        return await _refused(request, uow, staff, campaign_id, links, form, exc)
    return _back(campaign_id, "reminders")
