"""Staff composer pages: write a new campaign or edit a draft, with plain form buttons."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsletter.campaigns import service as campaigns
from newsletter.composer import service as composer
from newsletter.composer.form import (
    BLOCK_KINDS,
    apply_action,
    block_names,
    card_to_fill,
    draft_of_form,
    empty_form,
    fill_card,
    form_of_campaign,
    form_of_post,
    topic_choices,
)
from newsletter.delivery.domain import LANGUAGES
from newsletter.deps import Settings, Uow
from newsletter.errors import DomainError, NotFound
from newsletter.event_cards import service as event_listing
from newsletter.event_cards.domain import card_fields
from newsletter.materials import service as materials
from newsletter.media import service as media
from newsletter.rendering import pages, staff_language
from shared.web.staff import Editor, Staff

router = APIRouter(prefix="/newsletter/staff/campaigns", include_in_schema=False)
BLOCK_FIELD = re.compile(r"content\.(\w\w)\.blocks\.(\d+)\.(\w+)")
SHARED_FIELDS = ("url", "date", "media")
LIST_FIELDS = ("languages", "included", "excluded", "topics")
FRAGMENT_HEADER = "x-composer-fragment"  # composer_blocks.js asks for the block list only


def form_field(field: str | None) -> str:
    """A domain error's field as the id of the form control that holds it."""
    if not field:
        return "name"
    if m := BLOCK_FIELD.match(field):
        lang, i, name = m.groups()
        return f"block-{i}-{name}" if name in SHARED_FIELDS else f"block-{i}-{name}-{lang}"
    parts = field.split(".")
    if parts[0] == "content" and len(parts) == 3 and parts[2] in ("subject", "preheader"):
        return f"{parts[2]}-{parts[1]}"
    if parts[0] == "content":
        return "languages-fi"
    return parts[0]


async def _render(
    request: Request,
    uow: Uow,
    staff: Staff,
    form: dict[str, Any],
    *,
    campaign_id: uuid.UUID | None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    fragment = request.headers.get(FRAGMENT_HEADER) == "blocks"
    found = [] if fragment else await composer.segment_choices(uow, staff_language(request))
    topics = {} if fragment else await composer.known_topics(uow)
    upcoming = await event_listing.upcoming(uow, now=datetime.now(UTC))
    images = await media.library(uow)
    lang = staff_language(request)
    picks = [] if fragment else await materials.listing(uow, public=True, lang=lang)
    action = f"/newsletter/staff/campaigns/{campaign_id}/edit" if campaign_id else "new"
    return pages.render(
        request,
        # The block list alone, for composer_blocks.js (the page keeps the rest as typed).
        "pages/_composer_blocks.html" if fragment else "pages/staff_campaign_edit.html",
        {
            "form": form,
            "campaign_id": campaign_id,
            "action": action if campaign_id else "/newsletter/staff/campaigns/new",
            "segments": found,
            "topics": topic_choices(topics, form["topics"]),
            "images": images,
            "upcoming_events": upcoming,
            "materials": picks,
            "languages": LANGUAGES,
            "kinds": BLOCK_KINDS,
            "block_names": block_names(pages.gettext(lang)),
            "errors": errors or {},
        },
        lang=staff_language(request),
        status_code=status_code,
    )


async def _submitted(request: Request) -> tuple[dict[str, Any], str]:
    data = await request.form()
    lists = {k: [str(v) for v in data.getlist(k)] for k in LIST_FIELDS}
    form = form_of_post({k: v for k, v in data.items() if isinstance(v, str)}, lists)
    return form, str(data.get("action", "save"))


async def _save(
    request: Request, uow: Uow, staff: Staff, campaign_id: uuid.UUID | None
) -> Response:
    form, action = await _submitted(request)
    if chosen := card_to_fill(form, action):
        index, event_id = chosen
        event = await event_listing.get(uow, event_id)
        if event is not None:
            fill_card(form, index, card_fields(event, form["languages"]))
        return await _render(request, uow, staff, form, campaign_id=campaign_id)
    if action == "add-material":  # the material picker: a link block in every language
        material = (await request.form()).get("material")
        settings: Settings = request.app.state.settings
        block = await materials.composer_block(
            uow, str(material or ""), base_url=settings.public_base_url
        )
        if block is not None:
            form["blocks"].append(block)
        return await _render(request, uow, staff, form, campaign_id=campaign_id)
    if apply_action(form, action):
        return await _render(request, uow, staff, form, campaign_id=campaign_id)
    try:
        draft = draft_of_form(form)
        if campaign_id is None:
            campaign_id = await composer.create_draft(uow, staff=staff, draft=draft)
        else:
            await composer.update_draft(uow, staff=staff, campaign_id=campaign_id, draft=draft)
    except NotFound:
        raise
    except DomainError as exc:
        errors = {form_field(exc.field): exc.message}
        return await _render(
            request,
            uow,
            staff,
            form,
            campaign_id=campaign_id,
            errors=errors,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    return RedirectResponse(
        f"/newsletter/staff/campaigns/{campaign_id}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/new", response_class=HTMLResponse)
async def new_campaign(
    request: Request, uow: Uow, staff: Editor, segment: uuid.UUID | None = None
) -> Response:
    """A blank campaign; `?segment=<id>` (from a segment's page) chooses that segment."""
    form = empty_form()
    if segment is not None:
        form["included"] = [str(segment)]
    return await _render(request, uow, staff, form, campaign_id=None)


@router.post("/new")
async def create_campaign(request: Request, uow: Uow, staff: Editor) -> Response:
    return await _save(request, uow, staff, None)


@router.get("/{campaign_id}/edit", response_class=HTMLResponse)
async def edit_campaign(
    campaign_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    campaign = await campaigns.get_campaign(uow, campaign_id)  # NotFound for test copies too
    return await _render(
        request, uow, staff, form_of_campaign(asdict(campaign)), campaign_id=campaign_id
    )


@router.post("/{campaign_id}/edit")
async def save_campaign(
    campaign_id: uuid.UUID, request: Request, uow: Uow, staff: Editor
) -> Response:
    return await _save(request, uow, staff, campaign_id)
