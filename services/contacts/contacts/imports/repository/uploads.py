"""Uploaded import files waiting for their mapping (one row per upload)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import import_uploads


async def add(
    conn: AsyncConnection,
    *,
    upload_id: uuid.UUID,
    filename: str,
    data: bytes,
    created_by: str | None,
) -> None:
    values = {"id": upload_id, "filename": filename, "data": data, "created_by": created_by}
    await conn.execute(insert(import_uploads).values(**values))


async def get(
    conn: AsyncConnection, upload_id: uuid.UUID, *, created_by: str | None, max_age: timedelta
) -> tuple[str, bytes] | None:
    """The file, if it is this staff member's and young enough."""
    stmt = select(import_uploads.c.filename, import_uploads.c.data).where(
        import_uploads.c.id == upload_id,
        import_uploads.c.created_by.is_not_distinct_from(created_by),
        import_uploads.c.created_at > func.now() - max_age,
    )
    row = (await conn.execute(stmt)).first()
    return (row.filename, row.data) if row else None


async def remove(conn: AsyncConnection, upload_id: uuid.UUID) -> None:
    await conn.execute(delete(import_uploads).where(import_uploads.c.id == upload_id))


async def remove_older_than(conn: AsyncConnection, max_age: timedelta) -> None:
    await conn.execute(
        delete(import_uploads).where(import_uploads.c.created_at <= func.now() - max_age)
    )
