"""Staff pages for campaigns: a list, details with audience, previews and the actions
(send now, schedule, test send, pause, resume, cancel, duplicate)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsletter.archive import service as archive
from newsletter.archive.pages import mail_page
from newsletter.campaigns import service as campaigns
from newsletter.composer import service as composer
from newsletter.composer.domain import Refusal, link_refusals, utc_to_helsinki
from newsletter.composer.merge import with_defaults, without_empty_fields
from newsletter.deps import Settings, Uow
from newsletter.errors import Conflict, InvalidInput
from newsletter.rendering import mail_templates, pages, staff_language
from newsletter.statistics import service as statistics
from newsletter.tracking.domain import strip_personal_links
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/newsletter/staff/campaigns", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
async def campaign_list(request: Request, uow: Uow, staff: Viewer) -> Response:
    request.state.staff = staff
    found = await statistics.campaign_list(uow)
    return pages.render(
        request,
        "pages/staff_campaigns.html",
        {"campaigns": found, "may_edit": staff.may("editor")},
        lang=staff_language(request),
    )


async def _details(
    request: Request,
    uow: Uow,
    staff: Staff,
    campaign_id: uuid.UUID,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    refused: Refused | None = None,
) -> Response:
    request.state.staff = staff
    test = request.query_params.get("test", "")
    campaign = await campaigns.get_campaign(uow, campaign_id)  # NotFound for test copies too
    tested = (
        await composer.test_mails(uow, campaign_id=campaign_id, copy_id=uuid.UUID(test))
        if _is_uuid(test)
        else []
    )
    languages = list(campaign.variants)
    shown = request.query_params.get("preview")
    preview = shown if shown in languages else languages[0]
    chosen = request.query_params.get("person")
    mail = await campaigns.preview_mail(
        uow,
        campaign_id,
        language=preview,
        contact_id=uuid.UUID(chosen) if chosen and _is_uuid(chosen) else None,
    )
    at = campaign.scheduled_at
    return pages.render(
        request,
        "pages/staff_campaign.html",
        {
            "campaign": campaign,
            "languages": languages,
            "preview": preview,
            "preview_person": mail.person,
            "stats": await statistics.campaign_stats(uow, campaign_id),
            "audience": await campaigns.audience_preview(uow, campaign_id),
            "scheduled_local": utc_to_helsinki(at).strftime("%Y-%m-%d %H:%M") if at else "",
            "may_edit": staff.may("editor"),
            "may_send": staff.may("editor") and campaign.status in ("draft", "scheduled"),
            "missing": await composer.missing_fields(uow, campaign_id)
            if campaign.status in ("draft", "scheduled")
            else [],
            "test_mails": tested,
            "test_states": TEST_STATES,
            "refused": refused,
            "errors": errors or {},
        },
        lang=staff_language(request),
        status_code=status_code,
    )


# A test mail's delivery state as the notice names it.
TEST_STATES = {"pending": "in the queue", "sent": "sent", "bounced": "bounced", "failed": "failed"}


@dataclass(frozen=True)
class Refused:
    """A refused send or schedule: its broken links, offered to send anyway with a reason."""

    action: str
    links: list[Refusal]
    send_at: str = ""
    overridable: bool = True  # no other reason stands in the way


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _back(campaign_id: uuid.UUID) -> Response:
    return RedirectResponse(
        f"/newsletter/staff/campaigns/{campaign_id}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/{campaign_id}", response_class=HTMLResponse)
async def campaign_details(
    campaign_id: uuid.UUID, request: Request, uow: Uow, staff: Viewer
) -> Response:
    return await _details(request, uow, staff, campaign_id)


@router.get("/{campaign_id}/preview", response_class=HTMLResponse)
async def campaign_preview(
    campaign_id: uuid.UUID,
    lang: str,
    uow: Uow,
    settings: Settings,
    staff: Viewer,
    person: uuid.UUID | None = None,
) -> HTMLResponse:
    """The mail for an iframe of the details page (same origin only), as the chosen person
    of the audience sample would get it, library images included."""
    mail = await campaigns.preview_mail(uow, campaign_id, language=lang, contact_id=person)
    shown = archive.render_preview(
        mail_templates(settings.public_base_url),
        campaign_id=campaign_id,
        version=mail.campaign.version,
        default_language=mail.campaign.default_language,
        content=mail.content,
        language=lang,
        variables=with_defaults(mail.person.merge_fields) if mail.person else None,
    )
    return mail_page(without_empty_fields(strip_personal_links(shown.html)), lang)


ACTIONS = (
    "send",
    "schedule",
    "test",
    "pause",
    "resume",
    "cancel",
    "unschedule",
    "duplicate",
    "archive",
)


async def campaign_action(
    campaign_id: uuid.UUID,
    action: str,
    request: Request,
    uow: Uow,
    settings: Settings,
    staff: Editor,
) -> Response:
    """send, schedule, test, pause, resume, cancel, unschedule, duplicate: each a form button."""
    form = await request.form()
    field = {"send": "confirm", "schedule": "send_at", "test": "addresses"}.get(action, "status")
    # "Send anyway" after a refused link check: the editor's reason goes to the audit log.
    override = str(form.get("override_reason", "")) if form.get("link_override") else None
    try:
        match action:
            case "send":
                if form.get("confirm") != "yes":
                    raise InvalidInput(
                        "Tick the box to confirm that the campaign goes out now.", field="confirm"
                    )
                await campaigns.send_now(
                    uow,
                    staff=staff,
                    campaign_id=campaign_id,
                    settings=settings,
                    link_override=override,
                )
            case "schedule":
                await campaigns.schedule(
                    uow,
                    staff=staff,
                    campaign_id=campaign_id,
                    local_time=str(form.get("send_at", "")),
                    settings=settings,
                    link_override=override,
                )
            case "test":
                sent = await composer.send_test_copy(
                    uow,
                    staff=staff,
                    campaign_id=campaign_id,
                    addresses=str(form.get("addresses", "")).replace(",", "\n").splitlines(),
                    language=str(form.get("language", "fi")),
                    settings=settings,
                )
                return RedirectResponse(
                    f"/newsletter/staff/campaigns/{campaign_id}?test={sent.copy_id}#test-sent",
                    status_code=status.HTTP_303_SEE_OTHER,
                )
            case "pause" | "resume" | "cancel" | "unschedule":
                await campaigns.change(uow, staff=staff, campaign_id=campaign_id, action=action)
            case "duplicate":
                copy = await campaigns.duplicate(
                    uow, staff=staff, campaign_id=campaign_id, language=staff_language(request)
                )
                return _back(copy)
            case "archive":
                await campaigns.show_in_archive(
                    uow, staff=staff, campaign_id=campaign_id, shown=form.get("shown") == "yes"
                )
            case _:  # pragma: no cover - only ACTIONS are routed here
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such action")
    except campaigns.SendRefused as exc:
        links, others = link_refusals(exc.refusals)
        errors = {
            r.field if r.field == "override_reason" else f"refusal-{i}": r.message
            for i, r in enumerate(others)
        }
        if links:
            errors["broken-links"] = "Some links did not pass the link check: see the list below."
        overridable = all(r.field == "override_reason" for r in others)
        refused = Refused(action, links, str(form.get("send_at", "")), overridable)
        return await _details(
            request,
            uow,
            staff,
            campaign_id,
            errors=errors,
            status_code=422,
            refused=refused,
        )
    except (InvalidInput, Conflict) as exc:
        code = 409 if isinstance(exc, Conflict) else 422
        known = (field, "confirm", "override_reason")
        errors = {exc.field if exc.field in known else field: exc.message}
        return await _details(request, uow, staff, campaign_id, errors=errors, status_code=code)
    return _back(campaign_id)


def _route(action: str) -> Any:
    async def route(
        campaign_id: uuid.UUID,
        request: Request,
        uow: Uow,
        settings: Settings,
        staff: Editor,
    ) -> Response:
        return await campaign_action(campaign_id, action, request, uow, settings, staff)

    return route


# One explicit route per button, so no catch-all shadows routes other routers add later.
for _action in ACTIONS:
    router.add_api_route(
        f"/{{campaign_id}}/{_action}",
        _route(_action),
        methods=["POST"],
        name=f"campaign_{_action}",
    )
