"""The unsubscribe and preference links of a test send: they lead to a page that says they
are test links and that nothing changed, in the mail's language (never "link does not work")."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from newsletter.delivery.domain import LANGUAGES
from newsletter.rendering import pages, public_language

router = APIRouter(include_in_schema=False)
PATH = "/newsletter/test-link"
KINDS = ("unsubscribe", "preferences")


def link_of_test_mail(base: str, kind: str, lang: str) -> str:
    """The address a test mail's `kind` link points to."""
    query = urlencode({"kind": kind, "lang": lang if lang in LANGUAGES else "fi"})
    return f"{base.rstrip('/')}{PATH}?{query}"


@router.get(PATH, response_class=HTMLResponse)
async def test_link_page(request: Request, kind: str = "unsubscribe") -> Response:
    return pages.render(
        request,
        "pages/test_link.html",
        {"kind": kind if kind in KINDS else "unsubscribe"},
        lang=public_language(request),
    )


@router.post(PATH, response_class=HTMLResponse)
async def test_link_one_click(request: Request, kind: str = "unsubscribe") -> Response:
    """A mail program's one-click unsubscribe of a test mail: the same page, nothing done."""
    return await test_link_page(request, kind)
