"""Campaigns: content per language as blocks, and the rules a campaign must meet to be sent."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from newsletter.domain.delivery import LANGUAGES
from newsletter.domain.errors import InvalidInput

BLOCK_TYPES = ("heading", "text", "button", "divider", "image")
# The only personal fields staff may put in campaign text, as {{ name }}.
PLACEHOLDERS = ("first_name", "last_name", "organisation_name", "region")
PLACEHOLDER = re.compile(r"\{\{\s*(" + "|".join(PLACEHOLDERS) + r")\s*\}\}")
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Block:
    type: str
    text: str = ""
    url: str = ""
    alt: str = ""


@dataclass(frozen=True)
class Variant:
    """The campaign in one language."""

    subject: str
    preheader: str
    blocks: tuple[Block, ...]


def _https_url(value: Any, field: str) -> str:
    url = str(value or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInput("A link must be a full http(s) address.", field=field)
    return url


def _text(value: Any, field: str, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput("This text is required.", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput("This text is too long.", field=field)
    return text


def parse_block(raw: Mapping[str, Any], field: str) -> Block:
    kind = raw.get("type")
    if kind not in BLOCK_TYPES:
        raise InvalidInput(f"Unknown block type; use one of {', '.join(BLOCK_TYPES)}.", field=field)
    if kind == "divider":
        return Block("divider")
    if kind == "button":
        text = _text(raw.get("text"), f"{field}.text")
        return Block("button", text=text, url=_https_url(raw.get("url"), f"{field}.url"))
    if kind == "image":
        return Block(
            "image",
            url=_https_url(raw.get("url"), f"{field}.url"),
            alt=_text(raw.get("alt"), f"{field}.alt", required=False),
        )
    return Block(str(kind), text=_text(raw.get("text"), f"{field}.text"))


def parse_content(raw: Mapping[str, Any], default_language: str) -> dict[str, Variant]:
    """Validate the per-language content; the default language must be present."""
    if default_language not in LANGUAGES:
        raise InvalidInput("The default language must be fi, sv or en.", field="default_language")
    variants: dict[str, Variant] = {}
    for lang, body in raw.items():
        if lang not in LANGUAGES:
            raise InvalidInput("Languages are fi, sv and en.", field=f"content.{lang}")
        blocks: Sequence[Mapping[str, Any]] = body.get("blocks") or []
        variants[lang] = Variant(
            subject=_text(body.get("subject"), f"content.{lang}.subject"),
            preheader=_text(body.get("preheader"), f"content.{lang}.preheader", required=False),
            blocks=tuple(
                parse_block(b, f"content.{lang}.blocks.{i}") for i, b in enumerate(blocks)
            ),
        )
    if default_language not in variants:
        raise InvalidInput(
            "The default language needs its own subject and content.", field="default_language"
        )
    return variants
