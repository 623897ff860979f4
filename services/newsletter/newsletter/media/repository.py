"""Media library rows: images, their alt texts and variant bytes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.tables import media, media_variants

# Everything about a variant but its bytes: what lists and URLs need.
VARIANT_INFO = [c for c in media_variants.c if c.name != "data"]


async def add(
    conn: AsyncConnection, row: dict[str, Any], variants: Sequence[dict[str, Any]]
) -> None:
    await conn.execute(insert(media).values(row))
    await conn.execute(insert(media_variants), list(variants))


async def set_alt(conn: AsyncConnection, media_id: uuid.UUID, alt: dict[str, str]) -> bool:
    done = await conn.execute(update(media).where(media.c.id == media_id).values(alt=alt))
    return bool(done.rowcount)


async def listing(conn: AsyncConnection) -> Sequence[RowMapping]:
    query = select(media).order_by(media.c.created_at.desc(), media.c.name)
    return (await conn.execute(query)).mappings().all()


async def of_ids(conn: AsyncConnection, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, RowMapping]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = (await conn.execute(select(media).where(media.c.id.in_(wanted)))).mappings()
    return {r["id"]: r for r in rows}


async def variants_of(
    conn: AsyncConnection, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[RowMapping]]:
    wanted = list(set(ids))
    found: dict[uuid.UUID, list[RowMapping]] = {i: [] for i in wanted}
    if wanted:
        query = (
            select(*VARIANT_INFO)
            .where(media_variants.c.media_id.in_(wanted))
            .order_by(media_variants.c.width)
        )
        for row in (await conn.execute(query)).mappings():
            found[row["media_id"]].append(row)
    return found


async def variant_bytes(
    conn: AsyncConnection, media_id: uuid.UUID, variant: str, digest: str
) -> RowMapping | None:
    query = select(media_variants).where(
        media_variants.c.media_id == media_id,
        media_variants.c.variant == variant,
        media_variants.c.hash == digest,
    )
    return (await conn.execute(query)).mappings().first()
