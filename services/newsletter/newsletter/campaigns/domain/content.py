"""A campaign's content: per language, blocks, and the rules it must meet to be stored."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from newsletter.delivery.domain import LANGUAGES
from newsletter.errors import InvalidInput

BLOCK_TYPES = ("heading", "text", "button", "divider", "image", "event", "articles")
# The only personal fields staff may put in campaign text, as {{ name }}.
PLACEHOLDERS = ("first_name", "last_name", "organisation_name", "region")
PLACEHOLDER = re.compile(r"\{\{\s*(" + "|".join(PLACEHOLDERS) + r")\s*\}\}")
MAX_TEXT = 20_000
MEDIA_PATH = "/newsletter/media/"


@dataclass(frozen=True)
class Block:
    type: str
    text: str = ""
    url: str = ""
    alt: str = ""
    # Event/webinar cards: `text` is the title, `url` the registration link.
    date: str = ""
    place: str = ""
    # Article lists: (title, url) pairs.
    items: tuple[tuple[str, str], ...] = ()
    # Image blocks from the media library: the image's id (its url is filled in at sending).
    media: str = ""


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


def _library_image(raw: Mapping[str, Any], field: str) -> Block:
    """A media-library image: `alt` overrides the library's (`library_alt`, set at sending)."""
    try:
        media_id = str(uuid.UUID(str(raw["media"])))
    except ValueError as exc:
        raise InvalidInput("Choose an image of the library.", field=f"{field}.media") from exc
    url = str(raw.get("url") or "").strip()
    if url and not url.startswith(MEDIA_PATH):
        url = ""  # a free address typed beside a chosen library image: the library wins
    alt = _text(raw.get("alt"), f"{field}.alt", required=False)
    library_alt = _text(raw.get("library_alt"), f"{field}.alt", required=False)
    return Block("image", url=url, alt=alt or library_alt, media=media_id)


def parse_block(raw: Mapping[str, Any], field: str) -> Block:  # noqa: PLR0911
    kind = raw.get("type")
    if kind not in BLOCK_TYPES:
        raise InvalidInput(f"Unknown block type; use one of {', '.join(BLOCK_TYPES)}.", field=field)
    if kind == "divider":
        return Block("divider")
    if kind == "button":
        text = _text(raw.get("text"), f"{field}.text")
        return Block("button", text=text, url=_https_url(raw.get("url"), f"{field}.url"))
    if kind == "image":
        if raw.get("media"):
            return _library_image(raw, field)
        return Block(
            "image",
            url=_https_url(raw.get("url"), f"{field}.url"),
            alt=_text(raw.get("alt"), f"{field}.alt", required=False),
        )
    if kind == "event":
        return Block(
            "event",
            text=_text(raw.get("text"), f"{field}.text"),
            date=_text(raw.get("date"), f"{field}.date"),
            place=_text(raw.get("place"), f"{field}.place", required=False),
            url=_https_url(raw.get("url"), f"{field}.url"),
        )
    if kind == "articles":
        items: Sequence[Mapping[str, Any]] = raw.get("items") or []
        if not items:
            raise InvalidInput(
                "An article list needs at least one article.", field=f"{field}.items"
            )
        return Block(
            "articles",
            items=tuple(
                (
                    _text(item.get("title"), f"{field}.items.{i}.title"),
                    _https_url(item.get("url"), f"{field}.items.{i}.url"),
                )
                for i, item in enumerate(items)
            ),
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
