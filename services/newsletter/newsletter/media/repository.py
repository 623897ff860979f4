"""Media library rows: images, their alt texts and variant bytes.

`MediaRepository` is what the use cases see (`uow.images`); `MediaRows` is it in SQL,
tests/unit/fakes/newsletter_media.py in memory."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.media.domain import LibraryImage, Variant
from newsletter.tables import media, media_variants

# Everything about a variant but its bytes: what lists and URLs need.
VARIANT_INFO = [c for c in media_variants.c if c.name != "data"]


class MediaRepository(Protocol):
    async def add(self, image: LibraryImage, variants: Sequence[Variant]) -> None:
        """The image and all its variants (with their bytes)."""
        ...

    async def set_alt(self, media_id: uuid.UUID, alt: dict[str, str]) -> bool:
        """False: there is no such image."""
        ...

    async def listing(self) -> list[LibraryImage]:
        """Newest first, then by name."""
        ...

    async def of_ids(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, LibraryImage]: ...
    async def variants_of(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Variant]]:
        """Each image's variants without their bytes, narrowest first ([] for none)."""
        ...

    async def variant(self, media_id: uuid.UUID, variant: str, digest: str) -> Variant | None:
        """The variant with its bytes, if its hash is still `digest`."""
        ...


def _image(row: RowMapping) -> LibraryImage:
    return LibraryImage(
        id=row["id"],
        name=row["name"],
        alt=dict(row["alt"]),
        width=int(row["width"]),
        height=int(row["height"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def _variant(row: RowMapping) -> Variant:
    data = row.get("data")
    return Variant(
        media_id=row["media_id"],
        variant=row["variant"],
        hash=row["hash"],
        ext=row["ext"],
        width=int(row["width"]),
        height=int(row["height"]),
        data=bytes(data) if data is not None else b"",
    )


class MediaRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, image: LibraryImage, variants: Sequence[Variant]) -> None:
        await self._conn.execute(insert(media).values(asdict(image)))
        await self._conn.execute(insert(media_variants), [asdict(v) for v in variants])

    async def set_alt(self, media_id: uuid.UUID, alt: dict[str, str]) -> bool:
        stmt = update(media).where(media.c.id == media_id).values(alt=alt)
        return bool((await self._conn.execute(stmt)).rowcount)

    async def listing(self) -> list[LibraryImage]:
        query = select(media).order_by(media.c.created_at.desc(), media.c.name)
        return [_image(r) for r in (await self._conn.execute(query)).mappings()]

    async def of_ids(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, LibraryImage]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        query = select(media).where(media.c.id.in_(wanted))
        return {r["id"]: _image(r) for r in (await self._conn.execute(query)).mappings()}

    async def variants_of(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Variant]]:
        wanted = list(set(ids))
        found: dict[uuid.UUID, list[Variant]] = {i: [] for i in wanted}
        if wanted:
            query = (
                select(*VARIANT_INFO)
                .where(media_variants.c.media_id.in_(wanted))
                .order_by(media_variants.c.width)
            )
            for row in (await self._conn.execute(query)).mappings():
                found[row["media_id"]].append(_variant(row))
        return found

    async def variant(self, media_id: uuid.UUID, variant: str, digest: str) -> Variant | None:
        query = select(media_variants).where(
            media_variants.c.media_id == media_id,
            media_variants.c.variant == variant,
            media_variants.c.hash == digest,
        )
        row = (await self._conn.execute(query)).mappings().first()
        return _variant(row) if row else None
