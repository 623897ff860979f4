"""The media library's rules: which variants an image gets, their URLs, and missing alt texts."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Widths mail clients get; the original is kept too. A narrower image is never upscaled.
VARIANT_WIDTHS = (600, 1200)
ORIGINAL = "original"
# The formats we accept, by what Pillow finds in the file (never its name or Content-Type).
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}


@dataclass(frozen=True)
class Media:
    """A library image: its name and alt text per language ("" or absent = missing)."""

    id: str
    name: str
    alt: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LibraryImage:
    """A library image as stored: the original's size, alt texts by language."""

    id: uuid.UUID
    name: str
    alt: dict[str, str]
    width: int
    height: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class Variant:
    """One stored size of an image; `data` is empty where only its description was read."""

    media_id: uuid.UUID
    variant: str
    hash: str
    ext: str
    width: int
    height: int
    data: bytes = b""


def missing_alt_texts(media: Media, languages: Iterable[str]) -> list[str]:
    """The languages (in the given order, once each) in which `media` has no alt text."""
    return [lang for lang in dict.fromkeys(languages) if not str(media.alt.get(lang, "")).strip()]


def variant_widths(width: int, targets: Iterable[int] = VARIANT_WIDTHS) -> list[int]:
    """The resized widths to make for an image `width` px wide: only ones narrower than it."""
    return sorted({t for t in targets if t < width})


def variant_name(width: int) -> str:
    return f"w{width}"


def content_hash(data: bytes) -> str:
    """A short, stable name for a variant's bytes: a new file means a new URL (cache-safe)."""
    return hashlib.sha256(data).hexdigest()[:16]


def media_path(media_id: str, variant: str, digest: str, ext: str) -> str:
    return f"/newsletter/media/{media_id}/{variant}-{digest}.{ext}"


def mail_variant(variants: Iterable[str]) -> str:
    """The variant a mail shows: 600 px wide when there is one (mail bodies are 600 px)."""
    names = set(variants)
    wanted = variant_name(VARIANT_WIDTHS[0])
    return wanted if wanted in names else ORIGINAL


def media_ids(content: Mapping[str, Any]) -> set[str]:
    """The library images a campaign's blocks point to."""
    return {
        str(block["media"])
        for body in content.values()
        for block in body.get("blocks") or []
        if block.get("type") == "image" and block.get("media")
    }


def resolve_images(
    content: Mapping[str, Any], library: Mapping[str, tuple[Media, str]]
) -> dict[str, Any]:
    """The content with each library image's path and its alt text in the block's language
    (as `library_alt`; a block's own `alt` still wins), frozen for sending."""
    out: dict[str, Any] = {}
    for lang, body in content.items():
        blocks = []
        for block in body.get("blocks") or []:
            found = library.get(str(block.get("media") or ""))
            if block.get("type") == "image" and found is not None:
                image, path = found
                blocks.append({**block, "url": path, "library_alt": image.alt.get(lang, "")})
            else:
                blocks.append(block)
        out[lang] = {**body, "blocks": blocks}
    return out
