"""The legal pages every public page links: /accessibility and /privacy, in fi, sv and en."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.domain.legal import LegalKind, document, facts
from contacts.web.pages import pages, public_language

router = APIRouter(include_in_schema=False)
LANG_COOKIE = "dt_lang"


def _render(request: Request, kind: LegalKind) -> Response:
    lang = public_language(request)
    response = pages.render(
        request,
        f"legal/{kind}_{lang}.html",
        {"document": document(kind), **facts()},
        lang=lang,
        headers={"Content-Language": lang},
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/accessibility")
async def accessibility_statement(request: Request) -> Response:
    return _render(request, "accessibility")


@router.get("/privacy")
async def privacy_notice(request: Request) -> Response:
    return _render(request, "privacy")
