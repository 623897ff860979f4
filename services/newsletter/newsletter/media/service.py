"""Media library use cases: upload (checked, cleaned, resized), alt texts, listing, serving,
and the library's part in sending (alt-text refusals, frozen image addresses)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.delivery.domain import LANGUAGES
from newsletter.errors import InvalidInput, NotFound
from newsletter.media import repository as rows
from newsletter.media.domain import (
    CONTENT_TYPES,
    Media,
    content_hash,
    mail_variant,
    media_ids,
    media_path,
)
from newsletter.media.images import renditions
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import unit_of_work
from shared.audit import publish_staff_action
from shared.outbox.unit_of_work import UnitOfWork
from shared.web.staff import Staff

MAX_NAME = 200
MAX_ALT = 500


@dataclass(frozen=True)
class Served:
    data: bytes
    content_type: str
    etag: str


def _audit(uow: UnitOfWork, staff: Staff, action: str, media_id: uuid.UUID, **details: Any) -> None:
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
    engine: AsyncEngine,
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
    async with unit_of_work(engine) as uow:
        await rows.add(
            uow.conn,
            {
                "id": media_id,
                "name": title,
                "alt": cleaned_alt,
                "width": original.width,
                "height": original.height,
                "created_by": staff.id,
            },
            [
                {
                    "media_id": media_id,
                    "variant": r.variant,
                    "hash": content_hash(r.data),
                    "ext": r.ext,
                    "width": r.width,
                    "height": r.height,
                    "data": r.data,
                }
                for r in made
            ],
        )
        _audit(uow, staff, "media.uploaded", media_id, name=title, bytes=len(data))
        await uow.commit()
    return media_id


async def set_alt(
    engine: AsyncEngine, *, staff: Staff, media_id: uuid.UUID, alt: Mapping[str, str]
) -> None:
    cleaned = _clean_alt(alt)
    async with unit_of_work(engine) as uow:
        if not await rows.set_alt(uow.conn, media_id, cleaned):
            raise NotFound("No such image.")
        _audit(uow, staff, "media.alt_edited", media_id, languages=sorted(cleaned))
        await uow.commit()


def _described(row: RowMapping, variants: list[RowMapping]) -> dict[str, Any]:
    urls = {
        v["variant"]: {
            "path": media_path(str(row["id"]), v["variant"], v["hash"], v["ext"]),
            "width": v["width"],
            "height": v["height"],
        }
        for v in variants
    }
    return {
        "id": row["id"],
        "name": row["name"],
        "alt": {lang: row["alt"].get(lang, "") for lang in LANGUAGES},
        "width": row["width"],
        "height": row["height"],
        "created_at": row["created_at"],
        "variants": urls,
        "mail_path": urls[mail_variant(urls)]["path"] if urls else "",
    }


async def library(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        found = await rows.listing(conn)
        variants = await rows.variants_of(conn, [r["id"] for r in found])
    return [_described(r, variants[r["id"]]) for r in found]


async def serve(
    engine: AsyncEngine, media_id: uuid.UUID, variant: str, digest: str, ext: str
) -> Served:
    async with engine.connect() as conn:
        found = await rows.variant_bytes(conn, media_id, variant, digest)
    if found is None or found["ext"] != ext:
        raise NotFound("No such image.")
    return Served(bytes(found["data"]), CONTENT_TYPES[found["ext"]], f'"{found["hash"]}"')


async def library_of(
    conn: AsyncConnection, content: Mapping[str, Any]
) -> dict[str, tuple[Media, str]]:
    ids = []
    for value in media_ids(content):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    found = await rows.of_ids(conn, ids)
    variants = await rows.variants_of(conn, found)
    out: dict[str, tuple[Media, str]] = {}
    for media_id, row in found.items():
        described = _described(row, variants[media_id])
        out[str(media_id)] = (
            Media(id=str(media_id), name=row["name"], alt=dict(row["alt"])),
            described["mail_path"],
        )
    return out
