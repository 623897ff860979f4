"""Surveys' page renderer and the language rules of its pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from shared.i18n import PUBLIC_LANGUAGES, negotiate
from shared.web.pages import Pages

HERE = Path(__file__).resolve().parent
pages = Pages([HERE / "templates"], [HERE / "locale"])


def respondent_language(request: Request, invited_in: str | None) -> str:
    """The language chosen on the page, else the recipient's, else the browser's."""
    chosen = request.query_params.get("lang")
    if chosen in PUBLIC_LANGUAGES:
        return chosen
    if invited_in in PUBLIC_LANGUAGES:
        return invited_in
    return negotiate(request.headers.get("accept-language"), PUBLIC_LANGUAGES)
