"""Storing the tag vocabulary (people hold the names in `people.tags`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import people, tags
from shared.collation import collated


async def ensure(conn: AsyncConnection, name: str) -> str:
    """The stored spelling of a tag, creating it when no tag matches case-insensitively."""
    found = (
        await conn.execute(select(tags.c.name).where(func.lower(tags.c.name) == name.lower()))
    ).scalar_one_or_none()
    if found is not None:
        return str(found)
    await conn.execute(insert(tags).values(name=name).on_conflict_do_nothing())
    stored = await conn.execute(select(tags.c.name).where(func.lower(tags.c.name) == name.lower()))
    return str(stored.scalar_one())


async def stored_name(conn: AsyncConnection, name: str) -> str | None:
    """The stored spelling of a tag matching case-insensitively, if there is one."""
    stmt = select(tags.c.name).where(func.lower(tags.c.name) == name.lower())
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return None if found is None else str(found)


async def names(conn: AsyncConnection, lang: str = "fi") -> list[str]:
    """Every tag, in the alphabet of `lang`."""
    stmt = select(tags.c.name).order_by(collated(tags.c.name, lang), tags.c.name)
    return [str(name) for name in await conn.execute(stmt)]


async def all_with_counts(conn: AsyncConnection, lang: str = "fi") -> list[tuple[str, int]]:
    """Every tag with how many people carry it, alphabetically."""
    used = select(func.unnest(people.c.tags).label("name")).subquery()
    stmt = (
        select(tags.c.name, func.count(used.c.name))
        .select_from(tags.outerjoin(used, used.c.name == tags.c.name))
        .group_by(tags.c.name)
        .order_by(collated(tags.c.name, lang), tags.c.name)
    )
    return [(r[0], int(r[1])) for r in await conn.execute(stmt)]
