"""Events' page renderer and the language rules of its pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

from shared.i18n import PUBLIC_LANGUAGES, STAFF_LANGUAGES, negotiate
from shared.web.pages import Pages
from shared.web.staff import Staff

HERE = Path(__file__).resolve().parent
pages = Pages([HERE / "templates"], [HERE / "locale"])


def public_language(request: Request) -> str:
    """The language chosen on the page, else the browser's."""
    chosen = request.query_params.get("lang")
    if chosen in PUBLIC_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), PUBLIC_LANGUAGES)


def staff_language(request: Request) -> str:
    chosen = request.cookies.get("dt_lang")
    if chosen in STAFF_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), STAFF_LANGUAGES)


def as_staff(request: Request, staff: Staff) -> str:
    request.state.staff = staff
    return staff_language(request)


NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def message_page(request: Request, lang: str, kind: str, status_code: int = 200) -> Response:
    """The short public answers: received, cancelled, limited, closed, invalid, missing..."""
    return pages.render(
        request,
        "message.html",
        {"kind": kind},
        lang=lang,
        status_code=status_code,
        headers=NO_STORE,
    )
