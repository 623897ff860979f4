"""Staff pages of self-assessments: the list, the editor (areas, questions, points, feedback
per band, mode, publishing) and the figures by region or organisation type.

Writes are plain forms (the StaffGate checks their CSRF token) through the same use cases as
the JSON API, so both are audited alike.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shared.i18n import PUBLIC_LANGUAGES
from shared.web.staff import Editor, Staff, Viewer
from surveys.assessment import service
from surveys.assessment.domain import (
    BAND_KEYS,
    LANGUAGES,
    MAX_CHOICES,
    MAX_POINTS,
    MIN_GROUP,
    DefinitionError,
    text_in,
)
from surveys.assessment.forms import (
    BLANK_CHOICES,
    NEW_AREA,
    blank_area,
    blank_question,
    definition_of,
)
from surveys.assessment.labels import ORGANISATION_TYPES, region_name
from surveys.deps import Settings, UnitOfWork, actor
from surveys.errors import Conflict
from surveys.pages import as_staff, content_language, pages

router = APIRouter(prefix="/surveys/staff/assessments", include_in_schema=False)
BASE = "/surveys/staff/assessments"
BAND_NAMES = {"low": "0–39 %", "mid": "40–69 %", "high": "70–100 %"}
BREAKDOWNS = {"region": "Region", "organisation_type": "Organisation type"}


def _actor(staff: Staff) -> service.Actor:
    a = actor(staff)
    return service.Actor(id=a.id, role=a.role)


@router.get("")
async def list_page(request: Request, uow: UnitOfWork, staff: Viewer) -> Response:
    ui = as_staff(request, staff)
    rows = await service.listing(uow)
    for r in rows:
        r["name"] = text_in(r["title"], ui)
    return pages.render(request, "staff/assessments.html", {"rows": rows}, lang=ui)


@router.post("")
async def create(request: Request, uow: UnitOfWork, staff: Editor) -> Response:
    form = await request.form()
    mode = str(form.get("mode", "anonymous"))
    assessment_id = await service.create_assessment(
        uow,
        actor=_actor(staff),
        mode=mode if mode in ("identified",) else "anonymous",
    )
    return RedirectResponse(f"{BASE}/{assessment_id}", status_code=303)


def _editor(
    request: Request,
    staff: Staff,
    *,
    assessment_id: uuid.UUID,
    definition: dict[str, Any],
    mode: str,
    published: bool,
    public_url: str,
    error: DefinitionError | Conflict | None = None,
    saved: bool = False,
) -> Response:
    ui = as_staff(request, staff)
    areas = [*definition.get("areas", []), blank_area()]
    questions = [*definition.get("questions", []), blank_question()]
    anchor = ""
    if isinstance(error, DefinitionError):
        anchor = error.where
        keys = [a.get("key") for a in areas]
        if anchor.startswith("area-") and anchor[5:] in keys:  # an area without questions
            anchor = f"area-{keys.index(anchor[5:])}-name-fi"
        elif anchor in ("title", "areas"):
            anchor = "title-fi"
        elif anchor == "questions":
            anchor = f"q-{len(questions) - 1}-text-fi"
    elif error is not None:
        anchor = error.field or "mode"
    context = {
        "assessment_id": assessment_id,
        "d": definition,
        "areas": areas,
        "questions": questions,
        "mode": mode,
        "published": published,
        "public_url": public_url,
        "languages": LANGUAGES,
        "bands": [(b, BAND_NAMES[b]) for b in BAND_KEYS],
        "choice_rows": lambda q: max(len(q.get("choices", [])) + 1, BLANK_CHOICES),
        "max_choices": MAX_CHOICES,
        "max_points": MAX_POINTS,
        "new_area": NEW_AREA,
        "ui": ui,
        "error": error,
        "anchor": anchor,
        "saved": saved,
        "can_edit": staff.role in ("editor", "admin"),
    }
    return pages.render(
        request,
        "staff/assessment_edit.html",
        context,
        lang=ui,
        status_code=422 if error else 200,
    )


@router.get("/{assessment_id}")
async def edit_page(
    assessment_id: uuid.UUID, request: Request, uow: UnitOfWork, settings: Settings, staff: Viewer
) -> Response:
    loaded = await service.load(uow, assessment_id=assessment_id)
    return _editor(
        request,
        staff,
        assessment_id=assessment_id,
        definition=loaded.stored.definition,
        mode=loaded.stored.mode,
        published=loaded.stored.published,
        public_url=service.public_url(
            settings.public_base_url, settings.token_keys(), assessment_id
        ),
        saved=request.query_params.get("saved") == "1",
    )


@router.post("/{assessment_id}")
async def save(
    assessment_id: uuid.UUID, request: Request, uow: UnitOfWork, settings: Settings, staff: Editor
) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    mode = form.get("mode", "")
    published = form.get("published") == "1"
    public_url = service.public_url(settings.public_base_url, settings.token_keys(), assessment_id)
    definition = definition_of(form)
    try:
        await service.save_assessment(
            uow,
            assessment_id,
            definition=definition,
            mode=mode,
            published=published,
            actor=_actor(staff),
        )
    except (DefinitionError, Conflict) as exc:
        await service.load(uow, assessment_id=assessment_id)  # a missing test is a 404, not a form
        return _editor(
            request,
            staff,
            assessment_id=assessment_id,
            definition=definition,
            mode=mode,
            published=published,
            public_url=public_url,
            error=exc,
        )
    return RedirectResponse(f"{BASE}/{assessment_id}?saved=1", status_code=303)


@router.get("/{assessment_id}/figures")
async def figures_page(
    assessment_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    staff: Viewer,
    by: str = "region",
) -> Response:
    ui = as_staff(request, staff)
    lang = content_language(request, ui)
    by = by if by in BREAKDOWNS else "region"
    found = await service.figures(uow, assessment_id=assessment_id, by=by)
    loaded, aggregates = found["loaded"], found["aggregates"]

    def group_name(code: str) -> str:
        if not code:
            return "Not given"
        if by == "region":
            return region_name(code, lang) or code
        return ORGANISATION_TYPES.get(code, code)

    context = {
        "assessment_id": assessment_id,
        "title": text_in(loaded.definition.title, lang),
        "areas": [(a.key, text_in(a.name, lang)) for a in loaded.definition.areas],
        "aggregates": aggregates,
        "group_name": group_name,
        "by": by,
        "breakdowns": list(BREAKDOWNS.items()),
        "min_group": MIN_GROUP,
        "languages": PUBLIC_LANGUAGES,
        "content_lang": lang,
    }
    return pages.render(request, "staff/assessment_figures.html", context, lang=ui)
