"""Replicas kept by version: the newest record of each key wins, an older or repeated one
changes nothing (Kafka delivers at least once, and a replay may bring old records back).

One statement per batch (a cached INSERT ... ON CONFLICT, executemany), with at most one row
per key: PostgreSQL refuses a statement that touches a row twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


def newest_per_key(rows: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Of the rows with the same `key`, the one with the highest `version` (the first of
    equals), in the order the keys first came."""
    newest: dict[Any, dict[str, Any]] = {}
    for row in rows:
        held = newest.get(row[key])
        if held is None or row["version"] > held["version"]:
            newest[row[key]] = row
    return list(newest.values())


async def upsert_newest(
    conn: AsyncConnection,
    table: Table,
    key: str,
    rows: Sequence[dict[str, Any]],
    *,
    touched: str | None = None,
) -> int:
    """Insert each key's newest row, or update the held row when the new one is newer.

    Every row must carry the same columns; they are what an update sets (the key aside), and
    `touched` names a timestamp column set to now() on update. Returns the rows offered.
    """
    newest = newest_per_key(rows, key)
    if not newest:
        return 0
    stmt = insert(table)
    updated: dict[str, Any] = {c: stmt.excluded[c] for c in newest[0] if c != key}
    if touched is not None:
        updated[touched] = func.now()
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[key]],
        set_=updated,
        where=table.c.version < stmt.excluded.version,
    )
    await conn.execute(stmt, newest)
    return len(newest)
