"""Server-rendered pages: Jinja2 with autoescape, the shared layout, per-request language."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared.i18n import SHARED_LOCALE, translator

SHARED_TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
HELSINKI = ZoneInfo("Europe/Helsinki")
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
# A language as people read it (English source, translated): "(suomi)", never "(fi)".
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}


class Pages:
    def __init__(self, template_dirs: Iterable[Path], locale_dirs: Iterable[Path] = ()) -> None:
        self._locale_dirs = (*locale_dirs, SHARED_LOCALE)
        self.env = Environment(
            loader=ChoiceLoader(
                [FileSystemLoader(str(d)) for d in (*template_dirs, SHARED_TEMPLATES)]
            ),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # Outside development a template only changes with a deploy (a new process):
            # no stat() of every template and layout on every page (docs/performance.md).
            auto_reload=os.environ.get("DIGITUKI_ENV", "development") == "development",
        )

    def gettext(self, lang: str) -> Callable[[str], str]:
        """The translator the pages use, for text made outside a template (a download)."""
        return translator(self._locale_dirs, lang)

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        lang: str = "fi",
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        _ = translator(self._locale_dirs, lang)
        locale = BABEL_LOCALES.get(lang, "fi_FI")

        def fmt_date(value: date | datetime | None) -> str:
            if value is None:
                return ""
            if isinstance(value, datetime):
                return format_datetime(value, "short", tzinfo=HELSINKI, locale=locale)
            return format_date(value, "short", locale=locale)

        def fmt_number(value: float | int) -> str:
            return format_decimal(value, locale=locale)

        page = self.env.get_template(name).render(
            {
                "request": request,
                "lang": lang,
                "_": _,
                "fmt_date": fmt_date,
                "fmt_number": fmt_number,
                "language_name": lambda code: (
                    _(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else code
                ),
                "staff": getattr(request.state, "staff", None),
                "csrf_token": request.headers.get("x-staff-csrf", ""),
                **(context or {}),
            }
        )
        return HTMLResponse(page, status_code=status_code, headers=dict(headers or {}))
