"""The materials library's rows: materials, their files, monthly open counts, and search.

`MaterialRepository` is what the use cases see (`uow.materials`); `MaterialRows` is it in SQL,
tests/unit/fakes/newsletter_materials.py in memory."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from newsletter.materials.domain import (
    SEARCH_CONFIGS,
    Checked,
    Material,
    MaterialFile,
    MonthlyOpens,
)
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


class MaterialRepository(Protocol):
    async def add(self, material_id: uuid.UUID, *, created_by: str, checked: Checked) -> None: ...
    async def change(self, material_id: uuid.UUID, checked: Checked) -> None:
        """New values and the next version."""
        ...

    async def set_archived_at(self, material_id: uuid.UUID, at: datetime | None) -> None:
        """Archived at `at` (None: brought back), and the next version."""
        ...

    async def get(self, material_id: uuid.UUID, *, lock: bool = False) -> Material | None: ...
    async def put_file(self, file: MaterialFile) -> None:
        """The material's file, replacing the one it had."""
        ...

    async def drop_file(self, material_id: uuid.UUID) -> None: ...
    async def files_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MaterialFile]:
        """The files of these materials, without their bytes."""
        ...

    async def file_of(self, material_id: uuid.UUID) -> MaterialFile | None:
        """The material's file with its bytes."""
        ...

    async def search(
        self,
        *,
        public: bool,
        tsquery: str = "",
        kind: str = "",
        topic: str = "",
        area: str = "",
        rank_lang: str = "fi",
    ) -> list[Material]:
        """Newest first (best match first when searching, every word a prefix of a word of a
        title or description); `public`: published and not archived only."""
        ...

    async def used_topics(self) -> list[str]:
        """Topics of the public materials, sorted."""
        ...

    async def count_open(self, material_id: uuid.UUID, month: date, source: str) -> None: ...
    async def opens_of(self, material_id: uuid.UUID) -> list[MonthlyOpens]:
        """Newest month first."""
        ...

    async def mail_clicks(self, material_id: uuid.UUID) -> tuple[int, int]:
        """(clicks, people) on the material's open link in tracked newsletter mail."""
        ...


def _material(row: RowMapping) -> Material:
    return Material(
        id=row["id"],
        kind=row["kind"],
        title=dict(row["title"]),
        description=dict(row["description"]),
        url=row["url"],
        topics=list(row["topics"]),
        audiences=list(row["audiences"]),
        areas=list(row["areas"]),
        published=bool(row["published"]),
        archived_at=row["archived_at"],
        version=int(row["version"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _file(row: RowMapping) -> MaterialFile:
    data = row.get("data")
    return MaterialFile(
        material_id=row["material_id"],
        name=row["name"],
        hash=row["hash"],
        ext=row["ext"],
        content_type=row["content_type"],
        size=int(row["size"]),
        data=bytes(data) if data is not None else b"",
    )


def _values(checked: Checked) -> dict[str, Any]:
    return {
        "kind": checked.kind,
        "title": checked.title,
        "description": checked.description,
        "url": checked.url,
        "topics": checked.topics,
        "audiences": checked.audiences,
        "areas": checked.areas,
        "published": checked.published,
    }


class MaterialRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, material_id: uuid.UUID, *, created_by: str, checked: Checked) -> None:
        row = {"id": material_id, "created_by": created_by, **_values(checked)}
        await self._conn.execute(insert(materials).values(row))

    async def change(self, material_id: uuid.UUID, checked: Checked) -> None:
        await self._update(material_id, _values(checked))

    async def set_archived_at(self, material_id: uuid.UUID, at: datetime | None) -> None:
        await self._update(material_id, {"archived_at": at})

    async def _update(self, material_id: uuid.UUID, values: dict[str, Any]) -> None:
        stmt = (
            update(materials)
            .where(materials.c.id == material_id)
            .values(**values, version=materials.c.version + 1, updated_at=func.now())
        )
        await self._conn.execute(stmt)

    async def get(self, material_id: uuid.UUID, *, lock: bool = False) -> Material | None:
        stmt = select(materials).where(materials.c.id == material_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self._conn.execute(stmt)).mappings().first()
        return _material(row) if row else None

    async def put_file(self, file: MaterialFile) -> None:
        stmt = insert(material_files).values(
            material_id=file.material_id,
            name=file.name,
            hash=file.hash,
            ext=file.ext,
            content_type=file.content_type,
            size=file.size,
            data=file.data,
        )
        await self._conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[material_files.c.material_id],
                set_={
                    c: stmt.excluded[c]
                    for c in ("name", "hash", "ext", "content_type", "size", "data")
                },
            )
        )

    async def drop_file(self, material_id: uuid.UUID) -> None:
        await self._conn.execute(
            delete(material_files).where(material_files.c.material_id == material_id)
        )

    async def files_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MaterialFile]:
        if not ids:
            return {}
        stmt = select(*FILE_INFO).where(material_files.c.material_id.in_(list(ids)))
        return {r["material_id"]: _file(r) for r in (await self._conn.execute(stmt)).mappings()}

    async def file_of(self, material_id: uuid.UUID) -> MaterialFile | None:
        stmt = select(material_files).where(material_files.c.material_id == material_id)
        row = (await self._conn.execute(stmt)).mappings().first()
        return _file(row) if row else None

    async def search(
        self,
        *,
        public: bool,
        tsquery: str = "",
        kind: str = "",
        topic: str = "",
        area: str = "",
        rank_lang: str = "fi",
        limit: int = 200,
    ) -> list[Material]:
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
            stmt = stmt.where(search_condition(tsquery)).order_by(
                rank.desc(), m.c.created_at.desc()
            )
        else:
            stmt = stmt.order_by(m.c.archived_at.is_not(None), m.c.created_at.desc())
        found = (await self._conn.execute(stmt.order_by(m.c.id).limit(limit))).mappings()
        return [_material(r) for r in found]

    async def used_topics(self) -> list[str]:
        topic = func.unnest(materials.c.topics).label("topic")
        inner = (
            select(topic)
            .where(materials.c.published.is_(True), materials.c.archived_at.is_(None))
            .subquery()
        )
        stmt = select(inner.c.topic).distinct().order_by(inner.c.topic)
        return [str(t) for t in (await self._conn.execute(stmt)).scalars()]

    async def count_open(self, material_id: uuid.UUID, month: date, source: str) -> None:
        stmt = insert(material_opens).values(
            material_id=material_id, month=month, source=source, opens=1
        )
        await self._conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[
                    material_opens.c.material_id,
                    material_opens.c.month,
                    material_opens.c.source,
                ],
                set_={"opens": material_opens.c.opens + 1},
            )
        )

    async def opens_of(self, material_id: uuid.UUID) -> list[MonthlyOpens]:
        o = material_opens
        stmt = (
            select(o.c.month, o.c.source, o.c.opens)
            .where(o.c.material_id == material_id)
            .order_by(o.c.month.desc(), o.c.source)
        )
        return [MonthlyOpens(*r) for r in (await self._conn.execute(stmt)).all()]

    async def mail_clicks(self, material_id: uuid.UUID) -> tuple[int, int]:
        """A scan of tracking events (kept 'retention' days), read on the staff page only;
        the clicks that count as each person's engagement."""
        t = tracking_events
        d = deliveries
        stmt = (
            select(func.count(), func.count(func.distinct(d.c.contact_id)))
            .select_from(t.outerjoin(d, d.c.id == t.c.delivery_id))
            .where(t.c.kind == "click", t.c.url.like(f"%/materials/{material_id}/open%"))
        )
        clicks, people = (await self._conn.execute(stmt)).one()
        return int(clicks), int(people)
