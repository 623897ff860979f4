"""Staff pages of surveys: the list, one survey with previews and campaigns, results, exports.

Read-only pages: their only forms are GET forms (language, breakdown), so they carry no CSRF
token (a token in a URL would leak into logs and Referer headers).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shared.i18n import PUBLIC_LANGUAGES, STAFF_LANGUAGES, negotiate
from shared.web.staff import Staff, Viewer
from surveys.builder import service as builder
from surveys.campaigns import overview as staff_views
from surveys.deps import Engine, UnitOfWork
from surveys.exports import service as exports
from surveys.pages import pages
from surveys.results import service as results
from surveys.results.domain import MIN_GROUP

router = APIRouter(prefix="/surveys/staff", include_in_schema=False)
BREAKDOWN_LABELS = {
    "organisation_type": "Organisation type",
    "region": "Region",
    "language": "Language",
}


def staff_language(request: Request) -> str:
    chosen = request.cookies.get("dt_lang")
    if chosen in STAFF_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), STAFF_LANGUAGES)


def content_language(request: Request, ui: str) -> str:
    """The language of the survey's own texts on the page (any of the public ones)."""
    chosen = request.query_params.get("lang")
    return chosen if chosen in PUBLIC_LANGUAGES else ui


def _as_staff(request: Request, staff: Staff) -> str:
    request.state.staff = staff
    return staff_language(request)


@router.get("/surveys")
async def survey_list(request: Request, uow: UnitOfWork, staff: Viewer) -> Response:
    ui = _as_staff(request, staff)
    found = await builder.list_surveys(uow)
    return pages.render(request, "staff/surveys.html", {"surveys": found}, lang=ui)


@router.get("/surveys/{survey_id}")
async def survey_page(
    survey_id: uuid.UUID, request: Request, engine: Engine, staff: Viewer
) -> Response:
    ui = _as_staff(request, staff)
    survey, campaigns = await staff_views.survey_overview(engine, survey_id)
    context = {
        "survey_id": survey_id,
        "survey": survey,
        "campaigns": campaigns,
        "languages": PUBLIC_LANGUAGES,
        "content_lang": content_language(request, ui),
    }
    return pages.render(request, "staff/survey.html", context, lang=ui)


@router.get("/surveys/{survey_id}/preview")
async def survey_preview(
    survey_id: uuid.UUID, request: Request, engine: Engine, staff: Viewer
) -> Response:
    """The response page's questions as a respondent in `lang` sees them; nothing is saved."""
    ui = _as_staff(request, staff)
    survey, _ = await staff_views.survey_overview(engine, survey_id)
    context = {
        "survey_id": survey_id,
        "survey": survey,
        "languages": PUBLIC_LANGUAGES,
        "content_lang": content_language(request, ui),
    }
    return pages.render(request, "staff/preview.html", context, lang=ui)


@router.get("/campaigns/{campaign_id}/results")
async def results_page(
    campaign_id: uuid.UUID,
    request: Request,
    engine: Engine,
    staff: Viewer,
    by: str | None = None,
) -> Response:
    ui = _as_staff(request, staff)
    lang = content_language(request, ui)
    by = by or None  # the selector's "everyone" sends an empty value
    summary = await results.campaign_results(engine, campaign_id, lang=lang, by=by)
    campaign, survey = await staff_views.launched_campaign(engine, campaign_id)
    breakdowns = [] if campaign.anonymous else list(BREAKDOWN_LABELS.items())
    breakdowns += [
        (f"q:{q.id}", q.text.get(lang))
        for q in survey.questions()
        if q.type in ("single", "dropdown")
    ]
    context = {
        "campaign": campaign,
        "survey": survey,
        "summary": summary,
        "by": by,
        "breakdowns": breakdowns,
        "languages": PUBLIC_LANGUAGES,
        "content_lang": lang,
        "min_group": MIN_GROUP,
    }
    return pages.render(request, "staff/results.html", context, lang=ui)


@router.get("/campaigns/{campaign_id}/responses.xlsx")
async def responses_xlsx(
    campaign_id: uuid.UUID, request: Request, engine: Engine, staff: Viewer
) -> Response:
    lang = content_language(request, staff_language(request))
    body = await exports.responses_xlsx(engine, campaign_id, lang=lang)
    return _download(body, XLSX, f"responses-{campaign_id}.xlsx")


@router.get("/campaigns/{campaign_id}/open-data.csv")
async def open_data_csv(
    campaign_id: uuid.UUID, request: Request, engine: Engine, staff: Viewer
) -> Response:
    lang = content_language(request, staff_language(request))
    body = await exports.open_data_csv(engine, campaign_id, lang=lang)
    return _download(body.encode(), "text/csv; charset=utf-8", f"open-data-{campaign_id}.csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
