"""Staff pages of survey campaigns: create (audience from segments), launch, progress.

Times are entered and shown in Finnish time (Europe/Helsinki); every write checks CSRF.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response

from shared.web.staff import Editor, Staff, Viewer
from surveys.builder import service as builder
from surveys.campaigns import operations
from surveys.campaigns import overview as staff_views
from surveys.campaigns import service as campaigns
from surveys.campaigns.domain import HELSINKI, MAX_REMINDERS
from surveys.campaigns.invitation_texts import LANGUAGES
from surveys.deps import LinkMaker, UnitOfWork, actor
from surveys.errors import Conflict, InvalidInput
from surveys.open_link import service as open_link
from surveys.pages import pages, staff_language

router = APIRouter(prefix="/surveys/staff", include_in_schema=False)
LOCAL = "%Y-%m-%dT%H:%M"


def _render(
    request: Request, staff: Staff, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    request.state.staff = staff
    return pages.render(
        request, name, context, lang=staff_language(request), status_code=status_code
    )


def _local(value: datetime) -> str:
    return value.astimezone(HELSINKI).strftime(LOCAL)


def _parse_local(raw: str, field: str) -> datetime:
    try:
        return datetime.strptime(raw, LOCAL).replace(tzinfo=HELSINKI)
    except ValueError as exc:
        raise InvalidInput("a date and time, e.g. 2026-12-01T09:00", field=field) from exc


def _number(raw: str, field: str) -> float:
    try:
        return float(raw.replace(",", "."))
    except ValueError as exc:
        raise InvalidInput("expected a number", field=field) from exc


@router.get("/surveys/{survey_id}/campaigns/new")
async def new_campaign_page(
    survey_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    staff: Editor,
    segment: uuid.UUID | None = None,
) -> Response:
    """A new campaign's form; `?segment=<id>` (from a segment's page) chooses that segment."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    form = {
        "name": "",
        "mode": "identified",
        "opens_at": _local(now),
        "closes_at": _local(now + timedelta(days=14)),
        "max_reminders": "1",
        "reminder_interval_days": "7",
        "reminder_unit": "days",
    }
    chosen = [str(segment)] if segment is not None else []
    return await _form_page(request, uow, staff, survey_id, form, chosen, None)


async def _form_page(
    request: Request,
    uow: UnitOfWork,
    staff: Staff,
    survey_id: uuid.UUID,
    form: dict[str, str],
    chosen: list[str],
    error: dict[str, str] | None,
    status_code: int = 200,
) -> Response:
    survey = await builder.get_survey(uow, survey_id)
    available = await staff_views.segment_choices(uow, lang=staff_language(request))
    context = {
        "survey_id": survey_id,
        "title": survey["definition"]["title"],
        "form": form,
        "chosen": chosen,
        "segments": available,
        "error": error,
        "max_reminders": MAX_REMINDERS,
    }
    return _render(request, staff, "staff/campaign_new.html", context, status_code)


@router.post("/surveys/{survey_id}/campaigns/new")
async def create_campaign(
    survey_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Editor
) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    chosen = [v for v in raw.getlist("segments") if isinstance(v, str)]
    try:
        try:
            segment_ids = [uuid.UUID(v) for v in chosen]
        except ValueError as exc:
            raise InvalidInput("no such segment", field="segments") from exc
        open_link = form.get("open_link") == "yes"
        interval = _number(form.get("reminder_interval_days", ""), "reminder")
        unit = form.get("reminder_unit", "days")
        if unit not in ("hours", "days") or (unit == "hours" and not 1 <= interval <= 1440):
            raise InvalidInput("an interval of 1 hour to 60 days", field="reminder")
        if not segment_ids and not open_link:
            raise InvalidInput("choose at least one segment", field="segments")
        campaign = await campaigns.create_campaign(
            uow,
            survey_id=survey_id,
            name=form.get("name", ""),
            mode=form.get("mode", ""),
            opens_at=_parse_local(form.get("opens_at", ""), "opens_at"),
            closes_at=_parse_local(form.get("closes_at", ""), "closes_at"),
            audience={"any": []},  # nobody, unless segments are chosen
            max_reminders=int(_number(form.get("max_reminders", ""), "max_reminders")),
            reminder_interval_days=interval if unit == "days" else 7,
            reminder_interval_hours=interval if unit == "hours" else None,
            segment_ids=segment_ids,
            open_link=open_link,
            actor=actor(staff),
        )
    except InvalidInput as exc:
        field = {"reminder": "reminder_interval_days", "segments": "segments-first"}.get(
            exc.field or "", exc.field or "name"
        )
        error = {"message": exc.message, "field": field}
        return await _form_page(request, uow, staff, survey_id, form, chosen, error, 422)
    return RedirectResponse(
        f"/surveys/staff/campaigns/{campaign.id}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/campaigns/{campaign_id}")
async def campaign_page(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Viewer,
) -> Response:
    return await _campaign(request, uow, staff, campaign_id, None, links)


NOTICES = {
    "reminded": "A reminder was sent to %(n)s people who have not answered.",
    "closed": "The campaign was closed.",
    "closing": "The closing time was changed.",
    "reminders": "The reminder schedule was changed.",
    "invitation": "The invitation texts were saved.",
}


def notice_of(request: Request) -> dict[str, Any] | None:
    """A message after a change (the redirect names it; nothing the user typed is shown)."""
    done = request.query_params.get("done", "")
    if done not in NOTICES:
        return None
    raw = request.query_params.get("n", "0")
    return {"message": NOTICES[done], "n": int(raw) if raw.isdigit() else 0}


async def _campaign(
    request: Request,
    uow: UnitOfWork,
    staff: Staff,
    campaign_id: uuid.UUID,
    error: str | None,
    links: campaigns.Links,
    status_code: int = 200,
    *,
    notice: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    field_error: dict[str, str] | None = None,
) -> Response:
    overview = await staff_views.campaign_overview(uow, campaign_id=campaign_id)
    campaign = overview["campaign"]
    if campaign.open_link:
        overview["open_url"] = open_link.open_url(links.base_url, links.keys, campaign.id)
    now = datetime.now(UTC)
    launched = campaign.launched_at is not None
    interval_hours = campaign.reminder_interval.total_seconds() / 3600
    in_days = interval_hours % 24 == 0
    defaults = {
        "closes_at": _local(campaign.closes_at),
        "max_reminders": str(campaign.max_reminders),
        "interval": f"{interval_hours / 24 if in_days else interval_hours:g}",
        "interval_unit": "days" if in_days else "hours",
        "test_email": staff.email or "",
        "test_language": "fi",
    }
    for lang in LANGUAGES:
        own = campaign.invitation.get(lang, {})
        defaults[f"subject_{lang}"] = own.get("subject", "")
        defaults[f"body_{lang}"] = own.get("body", "")
    context = {
        **overview,
        "state": campaign.state(now),
        "error": error,
        "may_launch": staff.may("editor") and not launched,
        "may_operate": staff.may("editor") and launched,
        "check": None if launched else await operations.launch_check(uow, campaign_id=campaign_id),
        "next_reminder": (
            await operations.next_reminder(uow, campaign=campaign) if launched else None
        ),
        "notice": notice if notice is not None else notice_of(request),
        "form": defaults | (form or {}),
        "field_error": field_error,
        "languages": LANGUAGES,
    }
    return _render(request, staff, "staff/campaign.html", context, status_code)


@router.post("/campaigns/{campaign_id}/launch")
async def launch_campaign(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    staff: Editor,
) -> Response:
    try:
        await campaigns.launch_campaign(uow, campaign_id, links=links, actor=actor(staff))
    except Conflict as exc:
        message = exc.message
        if (exc.field or "").startswith("question:"):
            check = await operations.launch_check(uow, campaign_id=campaign_id)
            first = check["unfinished"][0]
            _ = pages.gettext(staff_language(request))
            message = _(
                "Question %(n)s “%(text)s” is not written yet: write it or remove it before "
                "launching."
            ) % {"n": first["number"], "text": first["text"]}
        return await _campaign(request, uow, staff, campaign_id, message, links, 409)
    return RedirectResponse(
        f"/surveys/staff/campaigns/{campaign_id}", status_code=status.HTTP_303_SEE_OTHER
    )
