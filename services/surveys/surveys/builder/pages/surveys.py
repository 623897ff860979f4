"""The builder's read-only staff pages: the survey list, one survey with its campaigns, and a
preview. Their only forms are GET forms (language), so they carry no CSRF token."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shared.i18n import PUBLIC_LANGUAGES
from shared.web.staff import Viewer
from surveys.builder import service as builder
from surveys.builder.domain.words import condition_words
from surveys.campaigns import overview as staff_views
from surveys.deps import UnitOfWork
from surveys.pages import as_staff, content_language, pages

router = APIRouter(prefix="/surveys/staff", include_in_schema=False)


@router.get("/surveys")
async def survey_list(
    request: Request, uow: UnitOfWork, staff: Viewer, segment: uuid.UUID | None = None
) -> Response:
    """The surveys; with `?segment=<id>` (from a segment's page) each leads to a new campaign
    for that segment."""
    ui = as_staff(request, staff)
    found = await builder.list_surveys(uow)
    context = {"surveys": found, "segment": segment}
    return pages.render(request, "staff/surveys.html", context, lang=ui)


@router.get("/surveys/{survey_id}")
async def survey_page(
    survey_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Viewer
) -> Response:
    ui = as_staff(request, staff)
    survey, campaigns = await staff_views.survey_overview(uow, survey_id=survey_id)
    lang = content_language(request, ui)
    context = {
        "survey_id": survey_id,
        "survey": survey,
        "campaigns": campaigns,
        "languages": PUBLIC_LANGUAGES,
        "content_lang": lang,
        "conditions": {q.id: condition_words(survey, q, lang) for q in survey.questions()},
    }
    return pages.render(request, "staff/survey.html", context, lang=ui)


@router.get("/surveys/{survey_id}/preview")
async def survey_preview(
    survey_id: uuid.UUID, request: Request, uow: UnitOfWork, staff: Viewer
) -> Response:
    """The response page's questions as a respondent in `lang` sees them; nothing is saved."""
    ui = as_staff(request, staff)
    survey, _ = await staff_views.survey_overview(uow, survey_id=survey_id)
    context = {
        "survey_id": survey_id,
        "survey": survey,
        "languages": PUBLIC_LANGUAGES,
        "content_lang": content_language(request, ui),
    }
    return pages.render(request, "staff/preview.html", context, lang=ui)
