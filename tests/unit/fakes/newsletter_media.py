"""In-memory media library (`uow.images` of the fake newsletter unit of work)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace

from newsletter.media.domain import LibraryImage, Variant


class FakeImages:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, LibraryImage] = {}
        self.variants: dict[tuple[uuid.UUID, str], Variant] = {}

    async def add(self, image: LibraryImage, variants: Sequence[Variant]) -> None:
        assert image.id not in self.rows, "primary key violated"
        self.rows[image.id] = image
        for v in variants:
            assert (v.media_id, v.variant) not in self.variants, "primary key violated"
            self.variants[(v.media_id, v.variant)] = v

    async def set_alt(self, media_id: uuid.UUID, alt: dict[str, str]) -> bool:
        if media_id not in self.rows:
            return False
        self.rows[media_id] = replace(self.rows[media_id], alt=dict(alt))
        return True

    async def listing(self) -> list[LibraryImage]:
        found = sorted(self.rows.values(), key=lambda i: i.name)
        return sorted(found, key=lambda i: i.created_at, reverse=True)

    async def of_ids(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, LibraryImage]:
        return {i: self.rows[i] for i in set(ids) if i in self.rows}

    async def variants_of(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Variant]]:
        found: dict[uuid.UUID, list[Variant]] = {i: [] for i in set(ids)}
        for (media_id, _), v in self.variants.items():
            if media_id in found:
                found[media_id].append(replace(v, data=b""))
        return {i: sorted(vs, key=lambda v: v.width) for i, vs in found.items()}

    async def variant(self, media_id: uuid.UUID, variant: str, digest: str) -> Variant | None:
        found = self.variants.get((media_id, variant))
        return found if found is not None and found.hash == digest else None
