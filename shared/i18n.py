"""Translations from gettext catalogs (.po, compiled in memory by Babel at first use).

Source strings are English; catalogs live in `<package>/locale/<lang>/LC_MESSAGES/*.po`.
Public pages speak fi, sv and en; the staff workspace fi and en.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PUBLIC_LANGUAGES = ("fi", "sv", "en")
STAFF_LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"

Gettext = Callable[[str], str]


@cache
def _translations(locale_dirs: tuple[Path, ...], lang: str) -> gettext.NullTranslations:
    merged: gettext.NullTranslations = gettext.NullTranslations()
    # The first folder wins: a service's own catalog overrides the shared one.
    for folder in reversed(locale_dirs):
        for po_path in sorted((folder / lang / "LC_MESSAGES").glob("*.po")):
            with po_path.open("rb") as f:
                catalog = read_po(f, locale=lang)
            buffer = BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations = gettext.GNUTranslations(buffer)
            translations.add_fallback(merged)
            merged = translations
    return merged


def translator(locale_dirs: Iterable[Path], lang: str) -> Gettext:
    return _translations(tuple(locale_dirs), lang).gettext


def negotiate(
    accept_language: str | None,
    supported: Iterable[str] = PUBLIC_LANGUAGES,
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """The best of `supported` for an Accept-Language header (q-values honoured)."""
    allowed = list(supported)
    if not accept_language:
        return default
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in allowed and quality > 0:
            choices.append((-quality, position, primary))
    return sorted(choices)[0][2] if choices else default


def page_language(
    *,
    chosen: str | None,
    person: str | None = None,
    remembered: str | None = None,
    accept_language: str | None = None,
    supported: Iterable[str] = PUBLIC_LANGUAGES,
) -> str:
    """The language of a page, most deliberate first.

    `chosen` (the page's own `?lang=`: a visitor switching language) wins; then `person`, the
    language of the person a mail's link belongs to (their record, or the invitation), so a
    link opens in the language of the mail, not the browser's; then `remembered` (the
    `dt_lang` cookie of an earlier choice); then the browser's Accept-Language.
    """
    allowed = tuple(supported)
    for candidate in (chosen, person, remembered):
        if candidate in allowed:
            return str(candidate)
    return negotiate(accept_language, allowed)


SHARED_LOCALE = Path(__file__).resolve().parent / "locale"
