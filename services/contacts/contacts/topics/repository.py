"""Storing topics of interest."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.errors import Conflict
from contacts.tables import topics
from contacts.topics.domain import Topic


def _to_topic(row: Any) -> Topic:
    r = row._mapping
    return Topic(**{k: r[k] for k in Topic.__dataclass_fields__})


async def all_topics(conn: AsyncConnection, *, include_archived: bool = False) -> list[Topic]:
    stmt = select(topics).order_by(topics.c.position, topics.c.key)
    if not include_archived:
        stmt = stmt.where(topics.c.archived.is_(False))
    return [_to_topic(r) for r in await conn.execute(stmt)]


async def get(conn: AsyncConnection, key: str) -> Topic | None:
    row = (await conn.execute(select(topics).where(topics.c.key == key))).first()
    return _to_topic(row) if row else None


async def add(conn: AsyncConnection, topic: Topic) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(insert(topics).values(**asdict(topic)))
    except IntegrityError as exc:
        raise Conflict("A topic with this key exists.", field="key") from exc


async def save(conn: AsyncConnection, topic: Topic) -> None:
    values = asdict(topic)
    await conn.execute(update(topics).where(topics.c.key == values.pop("key")).values(**values))
