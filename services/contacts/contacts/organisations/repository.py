"""Storing and finding organisations, and people's links to them."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.errors import Conflict
from contacts.organisations.domain.organisation import Organisation
from contacts.tables import organisations, person_organisations
from shared.collation import collated

ARRAYS = ("support_forms", "funding")


def _to_org(row: Any) -> Organisation:
    r = row._mapping
    values = {k: r[k] for k in Organisation.__dataclass_fields__}
    for name in ARRAYS:
        values[name] = tuple(values[name] or ())
    return Organisation(**values)


def _values(org: Organisation) -> dict[str, Any]:
    values = {k: v for k, v in asdict(org).items() if k not in ("id", "created_at")}
    for name in ARRAYS:
        values[name] = list(values[name])
    return values


async def add(conn: AsyncConnection, org: Organisation) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(organisations).values(id=org.id, created_at=org.created_at, **_values(org))
            )
    except IntegrityError as exc:
        raise Conflict(
            "An organisation with this business ID exists.", field="business_id"
        ) from exc


async def save(conn: AsyncConnection, org: Organisation) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(
                update(organisations)
                .where(organisations.c.id == org.id)
                .values(updated_at=func.now(), **_values(org))
            )
    except IntegrityError as exc:
        raise Conflict(
            "An organisation with this business ID exists.", field="business_id"
        ) from exc


async def get(
    conn: AsyncConnection, org_id: uuid.UUID, *, for_update: bool = False
) -> Organisation | None:
    stmt = select(organisations).where(organisations.c.id == org_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _to_org(row) if row else None


async def by_name(conn: AsyncConnection, name: str) -> Organisation | None:
    """The organisation of exactly this name (any case), preferring a current reviewed one."""
    stmt = (
        select(organisations)
        .where(func.lower(organisations.c.name) == name.lower())
        .order_by(organisations.c.archived, organisations.c.status, organisations.c.created_at)
        .limit(1)
    )
    row = (await conn.execute(stmt)).first()
    return _to_org(row) if row else None


async def search(
    conn: AsyncConnection,
    *,
    text: str = "",
    type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    status: str | None = None,
    archived: bool | None = False,
    limit: int = 50,
    offset: int = 0,
    sort: str = "name",
    descending: bool = False,
    lang: str = "fi",
) -> tuple[list[Organisation], int]:
    conditions = []
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(organisations.c.name.ilike(pattern), organisations.c.business_id == text.strip())
        )
    for column, value in (
        (organisations.c.type, type),
        (organisations.c.region, region),
        (organisations.c.municipality, municipality),
        (organisations.c.status, status),
    ):
        if value:
            conditions.append(column == value)
    if archived is not None:  # None: archived or not
        conditions.append(organisations.c.archived.is_(archived))
    total = (
        await conn.execute(select(func.count()).select_from(organisations).where(*conditions))
    ).scalar_one()
    rows = await conn.execute(
        select(organisations)
        .where(*conditions)
        .order_by(*_order(sort, descending, lang))
        .limit(limit)
        .offset(offset)
    )
    return [_to_org(r) for r in rows], total


SORTS = ("name", "type", "business_id", "region", "municipality", "status", "created_at")


def _order(sort: str, descending: bool, lang: str = "fi") -> list[Any]:
    """The chosen column (nulls last either way), then name and id so pages are stable.

    Names sort in the alphabet of `lang` (`shared.collation`).
    """
    c = organisations.c
    name = collated(c.name, lang)
    column = getattr(c, sort) if sort in SORTS and sort != "name" else name
    first = column.desc().nulls_last() if descending else column.asc().nulls_last()
    return [first, name, c.id]


async def active_names(conn: AsyncConnection, limit: int = 1000, lang: str = "fi") -> list[str]:
    stmt = (
        select(organisations.c.name)
        .where(organisations.c.status == "active", organisations.c.archived.is_(False))
        .order_by(collated(organisations.c.name, lang))
        .limit(limit)
    )
    return list((await conn.execute(stmt)).scalars())


async def remove(conn: AsyncConnection, org_id: uuid.UUID) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(delete(organisations).where(organisations.c.id == org_id))
    except IntegrityError as exc:
        raise Conflict("People are linked to this organisation.", field="id") from exc


async def link(
    conn: AsyncConnection,
    *,
    person_id: uuid.UUID,
    organisation_id: uuid.UUID,
    role: str = "",
    start: date | None = None,
    end: date | None = None,
) -> uuid.UUID:
    link_id = uuid.uuid4()
    await conn.execute(
        insert(person_organisations).values(
            id=link_id,
            person_id=person_id,
            organisation_id=organisation_id,
            role=role,
            start_date=start,
            end_date=end,
        )
    )
    return link_id


async def end_link(
    conn: AsyncConnection, link_id: uuid.UUID, person_id: uuid.UUID, end: date
) -> bool:
    result = await conn.execute(
        update(person_organisations)
        .where(person_organisations.c.id == link_id, person_organisations.c.person_id == person_id)
        .values(end_date=end)
    )
    return bool(result.rowcount)


async def links_of(conn: AsyncConnection, person_id: uuid.UUID) -> list[dict[str, Any]]:
    """The person's links, current ones first, each with its organisation's name and type."""
    stmt = (
        select(
            person_organisations,
            organisations.c.name.label("organisation_name"),
            organisations.c.type.label("organisation_type"),
            organisations.c.region.label("organisation_region"),
            organisations.c.municipality.label("organisation_municipality"),
        )
        .join(organisations, organisations.c.id == person_organisations.c.organisation_id)
        .where(person_organisations.c.person_id == person_id)
        .order_by(
            person_organisations.c.end_date.is_not(None),
            person_organisations.c.created_at.desc(),
        )
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def people_of(conn: AsyncConnection, org_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(person_organisations.c.person_id).where(
        person_organisations.c.organisation_id == org_id
    )
    return list(dict.fromkeys((await conn.execute(stmt)).scalars()))
