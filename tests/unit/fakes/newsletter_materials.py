"""In-memory materials library (`uow.materials` of the fake newsletter unit of work).

Search is the fake's reading of the SQL's: every word of the tsquery a prefix of a word of a
title or description in any language, without stemming (tests/integration/test_materials.py
checks the SQL with PostgreSQL's stemmers) and newest first rather than ranked."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from newsletter.materials.domain import Checked, Material, MaterialFile, MonthlyOpens


class FakeMaterials:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Material] = {}
        self.files: dict[uuid.UUID, MaterialFile] = {}
        self.opens: dict[tuple[uuid.UUID, date, str], int] = {}
        self.clicks: dict[uuid.UUID, tuple[int, int]] = {}
        self.locked: list[uuid.UUID] = []

    async def add(self, material_id: uuid.UUID, *, created_by: str, checked: Checked) -> None:
        assert material_id not in self.rows, "primary key violated"
        now = datetime.now(UTC)
        self.rows[material_id] = Material(
            id=material_id,
            kind=checked.kind,
            title=dict(checked.title),
            description=dict(checked.description),
            url=checked.url,
            topics=list(checked.topics),
            audiences=list(checked.audiences),
            areas=list(checked.areas),
            published=checked.published,
            archived_at=None,
            version=1,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )

    def _bump(self, material_id: uuid.UUID, **values: object) -> None:
        current = self.rows.get(material_id)
        if current is None:
            return  # an UPDATE of no row
        self.rows[material_id] = replace(
            current,
            **values,  # type: ignore[arg-type]
            version=current.version + 1,
            updated_at=datetime.now(UTC),
        )

    async def change(self, material_id: uuid.UUID, checked: Checked) -> None:
        self._bump(
            material_id,
            kind=checked.kind,
            title=dict(checked.title),
            description=dict(checked.description),
            url=checked.url,
            topics=list(checked.topics),
            audiences=list(checked.audiences),
            areas=list(checked.areas),
            published=checked.published,
        )

    async def set_archived_at(self, material_id: uuid.UUID, at: datetime | None) -> None:
        self._bump(material_id, archived_at=at)

    async def get(self, material_id: uuid.UUID, *, lock: bool = False) -> Material | None:
        if lock:
            self.locked.append(material_id)
        return self.rows.get(material_id)

    async def put_file(self, file: MaterialFile) -> None:
        self.files[file.material_id] = file

    async def drop_file(self, material_id: uuid.UUID) -> None:
        self.files.pop(material_id, None)

    async def files_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MaterialFile]:
        return {i: replace(self.files[i], data=b"") for i in ids if i in self.files}

    async def file_of(self, material_id: uuid.UUID) -> MaterialFile | None:
        return self.files.get(material_id)

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
        terms = [t.removesuffix(":*") for t in tsquery.split(" & ") if t]
        found = [
            m
            for m in self.rows.values()
            if (not public or m.public)
            and (not kind or m.kind == kind)
            and (not topic or topic in m.topics)
            and (not area or area in m.areas)
            and all(_matches(m, t) for t in terms)
        ]
        found.sort(key=lambda m: str(m.id))
        found.sort(key=lambda m: m.created_at, reverse=True)
        if not terms:
            found.sort(key=lambda m: m.archived)
        return found

    async def used_topics(self) -> list[str]:
        return sorted({t for m in self.rows.values() if m.public for t in m.topics})

    async def count_open(self, material_id: uuid.UUID, month: date, source: str) -> None:
        key = (material_id, month, source)
        self.opens[key] = self.opens.get(key, 0) + 1

    async def opens_of(self, material_id: uuid.UUID) -> list[MonthlyOpens]:
        found = [
            MonthlyOpens(month, source, n)
            for (mid, month, source), n in self.opens.items()
            if mid == material_id
        ]
        found.sort(key=lambda o: o.source)
        found.sort(key=lambda o: o.month, reverse=True)
        return found

    async def mail_clicks(self, material_id: uuid.UUID) -> tuple[int, int]:
        return self.clicks.get(material_id, (0, 0))


def _matches(m: Material, term: str) -> bool:
    texts = [*m.title.values(), *m.description.values()]
    words = (w for text in texts for w in re.findall(r"\w+", text.lower()))
    return any(w.startswith(term) for w in words)
