"""The materials library's rows: materials, their files, monthly open counts, and search."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from newsletter.materials.domain import SEARCH_CONFIGS
from newsletter.tables import (
    MATERIAL_SEARCH,
    deliveries,
    material_files,
    material_opens,
    materials,
    tracking_events,
)
from sqlalchemy import ColumnElement, delete, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

# Everything about a file but its bytes.
FILE_INFO = [c for c in material_files.c if c.name != "data"]


def _document(lang: str) -> ColumnElement[Any]:
    """The indexed expression itself (tables.py), so the planner uses the GIN index."""
    return literal_column(MATERIAL_SEARCH.format(config=SEARCH_CONFIGS[lang], lang=lang))


def search_condition(tsquery: str) -> ColumnElement[bool]:
    """Matches in any language's text, each read with its own stemmer."""
    return or_(
        *(
            _document(lang).op("@@")(func.to_tsquery(literal_column(f"'{config}'"), tsquery))
            for lang, config in SEARCH_CONFIGS.items()
        )
    )


async def add(conn: AsyncConnection, row: dict[str, Any]) -> None:
    await conn.execute(insert(materials).values(row))


async def update_material(
    conn: AsyncConnection, material_id: uuid.UUID, values: dict[str, Any]
) -> int | None:
    """The new version, or None when there is no such material."""
    stmt = (
        update(materials)
        .where(materials.c.id == material_id)
        .values(**values, version=materials.c.version + 1, updated_at=func.now())
        .returning(materials.c.version)
    )
    version = (await conn.execute(stmt)).scalar()
    return int(version) if version is not None else None


async def get(
    conn: AsyncConnection, material_id: uuid.UUID, *, lock: bool = False
) -> RowMapping | None:
    stmt = select(materials).where(materials.c.id == material_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).mappings().first()


async def put_file(conn: AsyncConnection, row: dict[str, Any]) -> None:
    stmt = insert(material_files).values(row)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[material_files.c.material_id],
            set_={
                c: stmt.excluded[c] for c in ("name", "hash", "ext", "content_type", "size", "data")
            },
        )
    )


async def drop_file(conn: AsyncConnection, material_id: uuid.UUID) -> None:
    await conn.execute(delete(material_files).where(material_files.c.material_id == material_id))


async def file_info(conn: AsyncConnection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, RowMapping]:
    if not ids:
        return {}
    stmt = select(*FILE_INFO).where(material_files.c.material_id.in_(list(ids)))
    return {r["material_id"]: r for r in (await conn.execute(stmt)).mappings()}


async def file_bytes(conn: AsyncConnection, material_id: uuid.UUID) -> RowMapping | None:
    stmt = select(material_files).where(material_files.c.material_id == material_id)
    return (await conn.execute(stmt)).mappings().first()


async def listing(
    conn: AsyncConnection,
    *,
    public: bool,
    tsquery: str = "",
    kind: str = "",
    topic: str = "",
    area: str = "",
    rank_lang: str = "fi",
    limit: int = 200,
) -> list[RowMapping]:
    """Materials newest first (best match first when searching); `public`: published and not
    archived only."""
    m = materials
    conditions: list[ColumnElement[bool]] = []
    if public:
        conditions += [m.c.published.is_(True), m.c.archived_at.is_(None)]
    if kind:
        conditions.append(m.c.kind == kind)
    if topic:
        conditions.append(m.c.topics.any_() == topic)
    if area:
        conditions.append(m.c.areas.any_() == area)
    stmt = select(m).where(*conditions) if conditions else select(m)
    if tsquery:
        config = SEARCH_CONFIGS[rank_lang]
        rank = func.ts_rank(
            _document(rank_lang), func.to_tsquery(literal_column(f"'{config}'"), tsquery)
        )
        stmt = stmt.where(search_condition(tsquery)).order_by(rank.desc(), m.c.created_at.desc())
    else:
        stmt = stmt.order_by(m.c.archived_at.is_not(None), m.c.created_at.desc())
    return list((await conn.execute(stmt.order_by(m.c.id).limit(limit))).mappings().all())


async def used_topics(conn: AsyncConnection) -> list[str]:
    """Topics of the public materials (for the listing's filter)."""
    topic = func.unnest(materials.c.topics).label("topic")
    inner = (
        select(topic)
        .where(materials.c.published.is_(True), materials.c.archived_at.is_(None))
        .subquery()
    )
    stmt = select(inner.c.topic).distinct().order_by(inner.c.topic)
    return [str(t) for t in (await conn.execute(stmt)).scalars()]


async def count_open(
    conn: AsyncConnection, material_id: uuid.UUID, month: date, source: str
) -> None:
    stmt = insert(material_opens).values(
        material_id=material_id, month=month, source=source, opens=1
    )
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[
                material_opens.c.material_id,
                material_opens.c.month,
                material_opens.c.source,
            ],
            set_={"opens": material_opens.c.opens + 1},
        )
    )


async def opens_of(conn: AsyncConnection, material_id: uuid.UUID) -> list[RowMapping]:
    stmt = (
        select(material_opens.c.month, material_opens.c.source, material_opens.c.opens)
        .where(material_opens.c.material_id == material_id)
        .order_by(material_opens.c.month.desc(), material_opens.c.source)
    )
    return list((await conn.execute(stmt)).mappings().all())


async def mail_clicks(conn: AsyncConnection, material_id: uuid.UUID) -> tuple[int, int]:
    """(clicks, people) on this material's open link in tracked newsletter mail (the clicks
    that count as each person's engagement); a scan of tracking events (kept 'retention'
    days), read on the staff page only."""
    t = tracking_events
    d = deliveries
    stmt = (
        select(func.count(), func.count(func.distinct(d.c.contact_id)))
        .select_from(t.outerjoin(d, d.c.id == t.c.delivery_id))
        .where(t.c.kind == "click", t.c.url.like(f"%/materials/{material_id}/open%"))
    )
    clicks, people = (await conn.execute(stmt)).one()
    return int(clicks), int(people)
