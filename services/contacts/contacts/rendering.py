"""Contacts' page renderer and the language rules of its pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from contacts import labels
from shared.i18n import PUBLIC_LANGUAGES, STAFF_LANGUAGES, negotiate
from shared.web.pages import Pages

HERE = Path(__file__).resolve().parent
pages = Pages([HERE / "templates"], [HERE / "locale"])
# Every contacts template reads codes through these: `{{ _(labels.MEMBERSHIP_STATES[s]) }}`.
pages.env.globals["labels"] = labels


def public_language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("dt_lang")
    if chosen in PUBLIC_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), PUBLIC_LANGUAGES)


def staff_language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("dt_lang")
    if chosen in STAFF_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), STAFF_LANGUAGES)
