"""The legal pages every public page links: /accessibility and /privacy, in fi, sv and en.

They show the newest published version from the database (staff publish at /staff/legal).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from markupsafe import Markup

from contacts.deps import Settings, Uow
from contacts.legal import service
from contacts.legal.domain.markup import fill, to_html
from contacts.legal.domain.texts import LegalKind, LegalVersion
from contacts.rendering import pages, public_language
from shared.settings import ServiceSettings
from shared.web.pages import HELSINKI

router = APIRouter(include_in_schema=False)
LANG_COOKIE = "dt_lang"


def rendered(version: LegalVersion, lang: str, settings: ServiceSettings) -> Markup:
    """One language of a version as safe HTML, its placeholders filled from the settings."""
    values = service.retention_periods(settings).placeholders()
    return Markup(to_html(fill(version.text(lang), values)))  # noqa: S704  (escaped by to_html)


async def _render(request: Request, uow: Uow, settings: Settings, kind: LegalKind) -> Response:
    lang = public_language(request)
    version = await service.published(uow, kind=kind)
    response = pages.render(
        request,
        "legal/page.html",
        {
            "kind": kind,
            "version": version,
            "published_on": version.published_at.astimezone(HELSINKI).date(),
            "body": rendered(version, lang, settings),
        },
        lang=lang,
        headers={"Content-Language": lang},
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/accessibility")
async def accessibility_statement(request: Request, uow: Uow, settings: Settings) -> Response:
    return await _render(request, uow, settings, "accessibility")


@router.get("/privacy")
async def privacy_notice(request: Request, uow: Uow, settings: Settings) -> Response:
    return await _render(request, uow, settings, "privacy")
