"""Published legal text versions."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.legal.domain.texts import LEGAL_LANGUAGES, LegalKind, LegalVersion
from contacts.tables import legal_texts


class LegalTextRepository(Protocol):
    """The published versions of the legal texts (version 1 is the shipped default)."""

    async def latest(self, kind: LegalKind) -> LegalVersion | None: ...

    async def by_version(self, kind: LegalKind, version: int) -> LegalVersion | None: ...

    async def history(self, kind: LegalKind) -> list[LegalVersion]:
        """Newest first."""

    async def add(
        self, kind: LegalKind, texts: dict[str, str], *, published_by: str | None
    ) -> LegalVersion:
        """The next version of `kind` (at least 2)."""


class SqlLegalTexts:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def latest(self, kind: LegalKind) -> LegalVersion | None:
        return await latest(self._conn, kind)

    async def by_version(self, kind: LegalKind, version: int) -> LegalVersion | None:
        return await by_version(self._conn, kind, version)

    async def history(self, kind: LegalKind) -> list[LegalVersion]:
        return await history(self._conn, kind)

    async def add(
        self, kind: LegalKind, texts: dict[str, str], *, published_by: str | None
    ) -> LegalVersion:
        return await add(self._conn, kind, texts, published_by=published_by)


def _version(row: Any) -> LegalVersion:
    m = row._mapping
    return LegalVersion(
        id=m["id"],
        kind=m["kind"],
        version=m["version"],
        texts={lang: m[f"text_{lang}"] for lang in LEGAL_LANGUAGES},
        published_at=m["published_at"],
        published_by=m["published_by"],
    )


async def latest(conn: AsyncConnection, kind: LegalKind) -> LegalVersion | None:
    stmt = (
        select(legal_texts)
        .where(legal_texts.c.kind == kind)
        .order_by(legal_texts.c.version.desc())
        .limit(1)
    )
    row = (await conn.execute(stmt)).first()
    return _version(row) if row else None


async def by_version(conn: AsyncConnection, kind: LegalKind, version: int) -> LegalVersion | None:
    stmt = select(legal_texts).where(legal_texts.c.kind == kind, legal_texts.c.version == version)
    row = (await conn.execute(stmt)).first()
    return _version(row) if row else None


async def history(conn: AsyncConnection, kind: LegalKind) -> list[LegalVersion]:
    stmt = (
        select(legal_texts).where(legal_texts.c.kind == kind).order_by(legal_texts.c.version.desc())
    )
    return [_version(r) for r in await conn.execute(stmt)]


async def add(
    conn: AsyncConnection, kind: LegalKind, texts: dict[str, str], *, published_by: str | None
) -> LegalVersion:
    """The next version number of `kind` (at least 2: version 1 is the shipped default);
    the unique index settles two publishers racing."""
    number = (
        select(func.coalesce(func.max(legal_texts.c.version), 1) + 1)
        .where(legal_texts.c.kind == kind)
        .scalar_subquery()
    )
    stmt = (
        insert(legal_texts)
        .values(
            kind=kind,
            version=number,
            published_by=published_by,
            **{f"text_{lang}": texts[lang] for lang in LEGAL_LANGUAGES},
        )
        .returning(legal_texts)
    )
    return _version((await conn.execute(stmt)).one())
