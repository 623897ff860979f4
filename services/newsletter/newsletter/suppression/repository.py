"""The suppression list: HMACs of addresses never to mail again."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, LargeBinary, exists, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.suppression.domain import hmac_pads
from newsletter.tables import suppressions


async def is_suppressed(conn: AsyncConnection, email_hmac: bytes) -> bool:
    stmt = select(exists().where(suppressions.c.email_hmac == email_hmac))
    return bool((await conn.execute(stmt)).scalar_one())


async def add(conn: AsyncConnection, entries: Sequence[tuple[bytes, str, str | None]]) -> None:
    """(hmac, reason, detail) rows; an address already listed keeps its first reason."""
    if entries:
        await conn.execute(
            insert(suppressions).on_conflict_do_nothing(),
            [{"email_hmac": h, "reason": r, "detail": d} for h, r, d in entries],
        )


def email_hmac_sql(key: bytes, email: ColumnElement[str]) -> ColumnElement[bytes]:
    """The HMAC of `email` computed in SQL, equal to domain.suppression.email_hmac."""
    inner, outer = hmac_pads(key)
    message = func.convert_to(func.lower(func.btrim(email)), "UTF8")
    return func.sha256(
        literal(outer, LargeBinary).op("||")(
            func.sha256(literal(inner, LargeBinary).op("||")(message))
        )
    )


def not_suppressed(key: bytes, email: ColumnElement[str]) -> ColumnElement[bool]:
    return ~exists().where(suppressions.c.email_hmac == email_hmac_sql(key, email))
