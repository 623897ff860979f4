"""Surveys' page renderer and the language rules of its pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from shared.i18n import PUBLIC_LANGUAGES, STAFF_LANGUAGES, negotiate, page_language
from shared.web.pages import Pages
from shared.web.staff import Staff

HERE = Path(__file__).resolve().parent
pages = Pages([HERE / "templates"], [HERE / "locale"])


def respondent_language(request: Request, invited_in: str | None) -> str:
    """The language chosen on the page, else the recipient's (the invitation's, the mail's),
    else an earlier choice (cookie), else the browser's."""
    return page_language(
        chosen=request.query_params.get("lang"),
        person=invited_in,
        remembered=request.cookies.get("dt_lang"),
        accept_language=request.headers.get("accept-language"),
    )


def staff_language(request: Request) -> str:
    chosen = request.cookies.get("dt_lang")
    if chosen in STAFF_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), STAFF_LANGUAGES)


def content_language(request: Request, ui: str) -> str:
    """The language of the survey's own texts on the page (any of the public ones)."""
    chosen = request.query_params.get("lang")
    return chosen if chosen in PUBLIC_LANGUAGES else ui


def as_staff(request: Request, staff: Staff) -> str:
    request.state.staff = staff
    return staff_language(request)
