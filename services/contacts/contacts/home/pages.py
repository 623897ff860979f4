"""The public front page (/): what the network is, and the ways in (join, the newsletter
archive, a visit, the contact form)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.enquiries.pages.public import form_context
from contacts.rendering import pages, public_language

router = APIRouter(include_in_schema=False)
LANG_COOKIE = "dt_lang"


@router.get("/")
async def front_page(request: Request) -> Response:
    lang = public_language(request)
    response = pages.render(request, "home.html", form_context(), lang=lang)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response
