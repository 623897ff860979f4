"""The staff page of a campaign's results, overall or broken down.

Read-only pages: their only forms are GET forms (language, breakdown), so they carry no CSRF
token (a token in a URL would leak into logs and Referer headers).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shared.i18n import PUBLIC_LANGUAGES
from shared.web.staff import Viewer
from surveys.campaigns import overview as staff_views
from surveys.deps import UnitOfWork
from surveys.pages import as_staff, content_language, pages
from surveys.results import service as results
from surveys.results.domain import MIN_GROUP

router = APIRouter(prefix="/surveys/staff", include_in_schema=False)
BREAKDOWN_LABELS = {
    "organisation_type": "Organisation type",
    "region": "Region",
    "language": "Language",
}


@router.get("/campaigns/{campaign_id}/results")
async def results_page(
    campaign_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    staff: Viewer,
    by: str | None = None,
) -> Response:
    ui = as_staff(request, staff)
    lang = content_language(request, ui)
    by = by or None  # the selector's "everyone" sends an empty value
    summary = await results.campaign_results(uow, campaign_id=campaign_id, lang=lang, by=by)
    campaign, survey = await staff_views.launched_campaign(uow, campaign_id=campaign_id)
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
