"""The rows an import job rejected, kept with the job so staff can fix and upload them again.

They hold personal data: they go with their job (ON DELETE CASCADE, so the jobs' retention
covers them) and with an erased person (`forget`, called by every erasure path through
`people.repository.remove`): a row goes when any of its cells is the person's address or
phone, or its names are the person's full name.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Text, bindparam, delete, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import import_rejected_rows

Stored = tuple[int, list[str], list[dict[str, Any]], list[str]]  # row, cells, problems, needles


def full_name(first: str, last: str) -> str:
    """The full-name needle: "first last" lower-cased with single spaces; "" unless both."""
    if not first.strip() or not last.strip():
        return ""
    return " ".join(f"{first} {last}".split()).lower()


async def replace(conn: AsyncConnection, job_id: uuid.UUID, rows: Sequence[Stored]) -> None:
    """The job's rejected rows (a resumed job writes them again)."""
    t = import_rejected_rows
    await conn.execute(delete(t).where(t.c.job_id == job_id))
    if rows:
        await conn.execute(
            insert(t),
            [
                {"job_id": job_id, "row": r, "cells": c, "problems": p, "needles": n}
                for r, c, p, n in rows
            ],
        )


async def of_job(
    conn: AsyncConnection, job_id: uuid.UUID, *, limit: int | None = None
) -> list[tuple[int, list[str], list[dict[str, Any]]]]:
    t = import_rejected_rows.c
    stmt = select(t.row, t.cells, t.problems).where(t.job_id == job_id).order_by(t.row)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(r.row, list(r.cells), list(r.problems)) for r in await conn.execute(stmt)]


async def count_of_job(conn: AsyncConnection, job_id: uuid.UUID) -> int:
    t = import_rejected_rows.c
    stmt = select(func.count()).where(t.job_id == job_id)
    return int((await conn.execute(stmt)).scalar_one())


async def forget(conn: AsyncConnection, needles: Sequence[str]) -> None:
    """Rejected rows naming the person (by the GIN index on `needles`)."""
    wanted = [n for n in needles if n]
    if not wanted:
        return
    await conn.execute(
        delete(import_rejected_rows).where(
            import_rejected_rows.c.needles.op("&&")(bindparam("n", wanted, type_=ARRAY(Text)))
        )
    )
