"""Media library use cases over a `NewsletterUnitOfWork` (`uow.images`): upload (checked,
cleaned, resized), alt texts, listing, serving, and the library's part in sending (alt-text
refusals, frozen image addresses: `library_of`, behind `uow.media`)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsletter.delivery.domain import LANGUAGES
from newsletter.errors import InvalidInput, NotFound
from newsletter.media.domain import (
    CONTENT_TYPES,
    LibraryImage,
    Media,
    Variant,
    content_hash,
    mail_variant,
    media_ids,
    media_path,
)
from newsletter.media.images import renditions
from newsletter.settings import NewsletterSettings
from shared.audit import publish_staff_action
from shared.web.staff import Staff

if TYPE_CHECKING:  # unit_of_work imports this module (the library behind `uow.media`)
    from newsletter.unit_of_work import NewsletterUnitOfWork

MAX_NAME = 200
MAX_ALT = 500


@dataclass(frozen=True)
class Served:
    data: bytes
    content_type: str
    etag: str


def _audit(
    uow: NewsletterUnitOfWork, staff: Staff, action: str, media_id: uuid.UUID, **details: Any
) -> None:
    publish_staff_action(
        uow,
        service="newsletter",
        actor_id=staff.id,
        actor_role=staff.role,
        action=action,
        target_type="media",
        target_id=str(media_id),
        details=details,
    )


def _clean_alt(alt: Mapping[str, str]) -> dict[str, str]:
    found = {lang: str(alt.get(lang, "")).strip() for lang in LANGUAGES}
    for lang, text in found.items():
        if len(text) > MAX_ALT:
            raise InvalidInput(f"At most {MAX_ALT} characters.", field=f"alt-{lang}")
    return {lang: text for lang, text in found.items() if text}


async def upload(
    uow: NewsletterUnitOfWork,
    *,
    staff: Staff,
    name: str,
    data: bytes,
    alt: Mapping[str, str],
    settings: NewsletterSettings,
) -> uuid.UUID:
    """Check the bytes, strip metadata, make the variants and store them all in one go."""
    cleaned_alt = _clean_alt(alt)
    # Decoding and resizing are CPU work: keep them off the event loop.
    made = await asyncio.to_thread(
        renditions,
        data,
        max_bytes=settings.media_max_bytes,
        max_pixels=settings.media_max_pixels,
    )
    media_id = uuid.uuid4()
    original = made[0]
    title = (name.strip() or f"image.{original.ext}")[:MAX_NAME]
    image = LibraryImage(
        id=media_id,
        name=title,
        alt=cleaned_alt,
        width=original.width,
        height=original.height,
        created_by=staff.id,
        created_at=datetime.now(UTC),
    )
    variants = [
        Variant(media_id, r.variant, content_hash(r.data), r.ext, r.width, r.height, r.data)
        for r in made
    ]
    await uow.images.add(image, variants)
    _audit(uow, staff, "media.uploaded", media_id, name=title, bytes=len(data))
    await uow.commit()
    return media_id


async def set_alt(
    uow: NewsletterUnitOfWork, *, staff: Staff, media_id: uuid.UUID, alt: Mapping[str, str]
) -> None:
    cleaned = _clean_alt(alt)
    if not await uow.images.set_alt(media_id, cleaned):
        raise NotFound("No such image.")
    _audit(uow, staff, "media.alt_edited", media_id, languages=sorted(cleaned))
    await uow.commit()


def _described(image: LibraryImage, variants: list[Variant]) -> dict[str, Any]:
    urls = {
        v.variant: {
            "path": media_path(str(image.id), v.variant, v.hash, v.ext),
            "width": v.width,
            "height": v.height,
        }
        for v in variants
    }
    return {
        "id": image.id,
        "name": image.name,
        "alt": {lang: image.alt.get(lang, "") for lang in LANGUAGES},
        "width": image.width,
        "height": image.height,
        "created_at": image.created_at,
        "variants": urls,
        "mail_path": urls[mail_variant(urls)]["path"] if urls else "",
    }


async def library(uow: NewsletterUnitOfWork) -> list[dict[str, Any]]:
    found = await uow.images.listing()
    variants = await uow.images.variants_of([i.id for i in found])
    return [_described(i, variants[i.id]) for i in found]


async def one(uow: NewsletterUnitOfWork, media_id: uuid.UUID) -> dict[str, Any]:
    found = (await uow.images.of_ids([media_id])).get(media_id)
    if found is None:
        raise NotFound("No such image.")
    return _described(found, (await uow.images.variants_of([media_id]))[media_id])


async def serve(
    uow: NewsletterUnitOfWork, media_id: uuid.UUID, variant: str, digest: str, ext: str
) -> Served:
    found = await uow.images.variant(media_id, variant, digest)
    if found is None or found.ext != ext:
        raise NotFound("No such image.")
    return Served(found.data, CONTENT_TYPES[found.ext], f'"{found.hash}"')


async def library_of(
    uow: NewsletterUnitOfWork, content: Mapping[str, Any]
) -> dict[str, tuple[Media, str]]:
    """The library images `content` points to, each with the address a mail shows (what
    `uow.media.images_of` answers in production)."""
    ids = []
    for value in media_ids(content):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    found = await uow.images.of_ids(ids)
    variants = await uow.images.variants_of(found)
    out: dict[str, tuple[Media, str]] = {}
    for media_id, image in found.items():
        described = _described(image, variants[media_id])
        out[str(media_id)] = (
            Media(id=str(media_id), name=image.name, alt=dict(image.alt)),
            described["mail_path"],
        )
    return out
