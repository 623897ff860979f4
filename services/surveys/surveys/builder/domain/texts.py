"""Texts in the three public languages, with a fallback when one is missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from surveys.errors import InvalidInput

LANGUAGES = ("fi", "sv", "en")
MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Texts:
    fi: str = ""
    sv: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        """The text in `lang`, else in Finnish, Swedish or English (the first one written)."""
        for code in (lang, *LANGUAGES):
            value: str = getattr(self, code, "")
            if value:
                return value
        return ""

    def written_in(self, lang: str) -> str:
        """The language `get(lang)` actually returns (for a `lang` attribute when it falls
        back); `lang` itself when there is no text at all."""
        for code in (lang, *LANGUAGES):
            if getattr(self, code, ""):
                return code
        return lang

    def dump(self) -> dict[str, str]:
        return {code: getattr(self, code) for code in LANGUAGES if getattr(self, code)}

    def __bool__(self) -> bool:
        return any(getattr(self, code) for code in LANGUAGES)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    text: Texts = field(default_factory=Texts)


def parse_texts(raw: Any, path: str, *, required: bool = False) -> Texts:
    """`{"fi": ..., "sv": ..., "en": ...}` or a plain string (taken as Finnish)."""
    if raw is None or raw == "":
        if required:
            raise InvalidInput("a text is required in at least one language", field=path)
        return Texts()
    if isinstance(raw, str):
        raw = {"fi": raw}
    if not isinstance(raw, Mapping):
        raise InvalidInput("expected an object of texts by language (fi, sv, en)", field=path)
    unknown = sorted(set(raw) - set(LANGUAGES))
    if unknown:
        raise InvalidInput(f"unknown language {unknown[0]!r}", field=f"{path}/{unknown[0]}")
    values: dict[str, str] = {}
    for code in LANGUAGES:
        value = raw.get(code, "")
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidInput(f"expected a text of at most {MAX_TEXT} characters", field=path)
        values[code] = value.strip()
    texts = Texts(**values)
    if required and not texts:
        raise InvalidInput("a text is required in at least one language", field=path)
    return texts
