"""What an organisation offers and who funds it: two fixed vocabularies of the programme.

The forms of digital support are the programme description's "Digituen muotoja" (advice on
e-services, general digital support, skill-building guidance, skill-building courses, informal
support); the funding sources are its "Digituen rahoitus" list. Codes are stored; the labels a
person reads live in ``organisations/labels.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from contacts.errors import InvalidInput

SUPPORT_FORMS: tuple[str, ...] = (
    "e_service_advice",
    "general_support",
    "skills_guidance",
    "skills_courses",
    "informal_support",
)
FUNDING_SOURCES: tuple[str, ...] = (
    "vm",
    "okm",
    "esr",
    "stea",
    "eakr",
    "leader",
    "foundations",
    "organisations",
    "municipalities",
)
SUPPORT_FORMS_MESSAGE = "Choose forms of digital support from the list."
FUNDING_MESSAGE = "Choose funding sources from the list."


def _choose(
    raw: Iterable[str] | None, vocabulary: tuple[str, ...], *, message: str, field: str
) -> tuple[str, ...]:
    if isinstance(raw, str):
        raise InvalidInput(message, field=field)
    chosen = set(raw or ())
    if not chosen <= set(vocabulary):
        raise InvalidInput(message, field=field)
    return tuple(code for code in vocabulary if code in chosen)


def parse_support_forms(raw: Iterable[str] | None) -> tuple[str, ...]:
    """Known codes only, each once, in the vocabulary's order."""
    return _choose(raw, SUPPORT_FORMS, message=SUPPORT_FORMS_MESSAGE, field="support_forms")


def parse_funding(raw: Iterable[str] | None) -> tuple[str, ...]:
    """Known codes only, each once, in the vocabulary's order."""
    return _choose(raw, FUNDING_SOURCES, message=FUNDING_MESSAGE, field="funding")
