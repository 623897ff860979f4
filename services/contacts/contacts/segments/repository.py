"""Storing segments, and reading the people a rule selects from contacts' own projection."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.segments.domain import Segment
from contacts.tables import contact_snapshot, segments
from shared.collation import collated
from shared.segments import Rule
from shared.segments.compiler import compile_rule

SAMPLE_COLUMNS = (
    "contact_id",
    "email",
    "first_name",
    "last_name",
    "language",
    "organisation_name",
    "organisation_type",
    "region",
    "municipality",
    "subscription_state",
)


def _to_segment(row: Any) -> Segment:
    r = row._mapping
    return Segment(**{k: r[k] for k in Segment.__dataclass_fields__})


async def add(conn: AsyncConnection, segment: Segment) -> None:
    await conn.execute(insert(segments).values(**asdict(segment)))


async def save(conn: AsyncConnection, segment: Segment) -> None:
    values = asdict(segment)
    values.pop("created_at")
    values.pop("created_by")
    await conn.execute(update(segments).where(segments.c.id == values.pop("id")).values(**values))


async def get(
    conn: AsyncConnection, segment_id: uuid.UUID, *, for_update: bool = False
) -> Segment | None:
    stmt = select(segments).where(segments.c.id == segment_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _to_segment(row) if row else None


async def all_segments(
    conn: AsyncConnection, *, include_archived: bool = False, lang: str = "fi"
) -> list[Segment]:
    stmt = select(segments).order_by(collated(segments.c.name, lang), segments.c.id)
    if not include_archived:
        stmt = stmt.where(segments.c.archived.is_(False))
    return [_to_segment(r) for r in await conn.execute(stmt)]


async def sample(
    conn: AsyncConnection, rule: Rule, now: datetime, *, limit: int, lang: str = "fi"
) -> list[dict[str, Any]]:
    """Up to `limit` matching people, in name order, so a sample is stable between previews."""
    cols = [contact_snapshot.c[name] for name in SAMPLE_COLUMNS]
    stmt = (
        select(*cols)
        .where(compile_rule(rule, contact_snapshot, now))
        .order_by(
            collated(contact_snapshot.c.last_name, lang),
            collated(contact_snapshot.c.first_name, lang),
            contact_snapshot.c.contact_id,
        )
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
