"""Merge fields: what an empty one becomes, which ones a campaign uses, and the sentence a
recipient without a value would read.

The default of every field is "nothing, and no space before it": "Hei {{ first_name }}!"
reads "Hei!" for a person without a first name, never "Hei !". Sending, test sends and the
preview fill the same way (`with_defaults`, then `without_empty_fields` on the result).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from newsletter.campaigns.domain import PLACEHOLDER, PLACEHOLDERS, Variant

# An empty field while filling: a private-use character, removed afterwards with the spaces
# before it (the same character the public archive uses for its personal fields).
EMPTY_FIELD = "\ue000"
# The marker goes with the spaces before it ("Hei {{ first_name }}!" reads "Hei!"), and with
# a comma before it when punctuation follows ("Tervetuloa, {{ organisation_name }}." reads
# "Tervetuloa.", never "Tervetuloa,.").
_EMPTY_BEFORE_PUNCTUATION = re.compile(
    r"[,;:]?[ \t\u00a0]*(?:" + EMPTY_FIELD + r"[ \t\u00a0]*)+(?=[.!?,;:])"
)
_EMPTY = re.compile(r"[ \t\u00a0]*" + EMPTY_FIELD)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

# What a person reads in the warnings, in English (translated in the page).
FIELD_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "organisation_name": "organisation",
    "region": "region",
}


def with_defaults(variables: Mapping[str, str]) -> dict[str, str]:
    """The fill values: an empty or missing merge field becomes the removable marker."""
    filled = dict(variables)
    for name in PLACEHOLDERS:
        if not str(filled.get(name) or "").strip():
            filled[name] = EMPTY_FIELD
    return filled


def without_empty_fields(text: str) -> str:
    """The text without the markers of empty merge fields (see `with_defaults`)."""
    return _EMPTY.sub("", _EMPTY_BEFORE_PUNCTUATION.sub("", text))


def personal(text: str, variables: Mapping[str, str]) -> str:
    """Staff text with its merge fields filled for one person, empty ones removed."""
    filled = with_defaults(variables)
    return without_empty_fields(PLACEHOLDER.sub(lambda m: filled[m.group(1)], text))


def _texts(variant: Variant) -> list[str]:
    found = [variant.subject, variant.preheader]
    for block in variant.blocks:
        found += [block.text, block.place, *(title for title, _ in block.items)]
    return [t for t in found if t]


@dataclass(frozen=True)
class FieldUse:
    """A merge field a campaign uses, with the first sentence that uses it."""

    field: str
    language: str
    sentence: str

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]


def fields_used(variants: Mapping[str, Variant]) -> list[FieldUse]:
    """Each merge field the campaign uses once, in PLACEHOLDERS order, with its sentence."""
    found: dict[str, FieldUse] = {}
    for lang, variant in variants.items():
        for text in _texts(variant):
            for sentence in _SENTENCE_END.split(text):
                for m in PLACEHOLDER.finditer(sentence):
                    found.setdefault(m.group(1), FieldUse(m.group(1), lang, sentence.strip()))
    return [found[name] for name in PLACEHOLDERS if name in found]


@dataclass(frozen=True)
class MissingField:
    """N recipients lack `use.field`; `example` is what one of them reads instead."""

    use: FieldUse
    count: int
    example: str
