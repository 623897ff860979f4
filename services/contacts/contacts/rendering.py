"""Contacts' page renderer and the language rules of its pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from contacts import labels
from shared.i18n import STAFF_LANGUAGES, negotiate, page_language
from shared.web.pages import Pages

HERE = Path(__file__).resolve().parent
pages = Pages([HERE / "templates"], [HERE / "locale"])
# Every contacts template reads codes through these: `{{ _(labels.MEMBERSHIP_STATES[s]) }}`.
pages.env.globals["labels"] = labels


def public_language(request: Request, person: str | None = None) -> str:
    """`?lang=`, else the language of the person a mail's link is for, else cookie, browser."""
    return page_language(
        chosen=request.query_params.get("lang"),
        person=person,
        remembered=request.cookies.get("dt_lang"),
        accept_language=request.headers.get("accept-language"),
    )


def staff_language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("dt_lang")
    if chosen in STAFF_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), STAFF_LANGUAGES)
