"""Newsletter's page renderer, and the public language of a request."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import Request

from newsletter.mail.templates import MailTemplates
from shared.i18n import STAFF_LANGUAGES, negotiate, page_language
from shared.web.pages import Pages

HERE = Path(__file__).resolve().parent
pages = Pages([HERE / "templates"], [HERE / "locale"])


def public_language(request: Request) -> str:
    """`?lang=` (links in mails carry the mail's language), else the cookie, else the browser."""
    return page_language(
        chosen=request.query_params.get("lang"),
        remembered=request.cookies.get("dt_lang"),
        accept_language=request.headers.get("accept-language"),
    )


def staff_language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("dt_lang")
    if chosen in STAFF_LANGUAGES:
        return chosen
    return negotiate(request.headers.get("accept-language"), STAFF_LANGUAGES)


@lru_cache(maxsize=4)
def mail_templates(base_url: str) -> MailTemplates:
    """One compiled-template cache per process for pages that show mail (archive, preview)."""
    return MailTemplates(base_url=base_url)
