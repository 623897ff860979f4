"""Set-based storage for imports: one statement per chunk, never a round trip per row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Text,
    Uuid,
    any_,
    bindparam,
    case,
    func,
    literal,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.imports.domain.rows import ImportRow
from contacts.imports.domain.snapshots import PERSON_COLUMNS
from contacts.imports.repository.batches import driver_of
from contacts.memberships.domain import Membership
from contacts.tables import (
    memberships,
    organisations,
    person_organisations,
)

_TEXT_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "language",
    "title",
    "phone",
    "municipality",
    "topics",
    "tags",
)
_LISTS = {"topics": ",", "tags": "\x1f"}  # topic keys have no comma; a tag may
# A known address: a filled cell wins, an empty one keeps the stored value, topics and tags
# are added. Each column's new value, written once for the SET and for the change test.
_MERGED = {
    "first_name": "coalesce(nullif(excluded.first_name, ''), p.first_name)",
    "last_name": "coalesce(nullif(excluded.last_name, ''), p.last_name)",
    "language": "coalesce(nullif(excluded.language, ''), p.language)",
    "title": "coalesce(nullif(excluded.title, ''), p.title)",
    "phone": "coalesce(excluded.phone, p.phone)",
    "municipality": "coalesce(excluded.municipality, p.municipality)",
}
# Subscribing never overrides an earlier unsubscribe.
_SUBSCRIBED = {
    "subscription_state": "CASE WHEN p.subscription_state = 'unsubscribed'"
    " THEN p.subscription_state ELSE 'subscribed' END",
    "newsletter_consent": "CASE WHEN p.subscription_state = 'unsubscribed'"
    " THEN p.newsletter_consent ELSE true END",
    "survey_consent": "CASE WHEN p.subscription_state = 'unsubscribed'"
    " THEN p.survey_consent ELSE true END",
    "confirmed_at": "CASE WHEN p.subscription_state = 'unsubscribed'"
    " THEN p.confirmed_at ELSE coalesce(p.confirmed_at, now()) END",
}
_MERGED_LIST = (
    "coalesce((SELECT array_agg(DISTINCT x) FROM unnest(p.{0} || excluded.{0}) AS x), '{{}}')"
)


def _upsert_sql(*, subscribe: bool) -> str:
    """The chunk's people upsert. A known person whose merged values equal the stored ones is
    left alone (the DO UPDATE's WHERE): no new version, and no row returned for them."""
    merged = _MERGED | (_SUBSCRIBED if subscribe else {})
    columns = ", ".join(f"p.{c}" for c in merged)
    values = ", ".join(merged.values())
    changed = (
        f"({columns}) IS DISTINCT FROM ({values})"
        " OR NOT (excluded.topics <@ p.topics) OR NOT (excluded.tags <@ p.tags)"
    )
    assignments = ", ".join(f"{c} = {v}" for c, v in merged.items())
    lists = ", ".join(f"{c} = {_MERGED_LIST.format(c)}" for c in _LISTS)
    state = "'subscribed'" if subscribe else "'pending'"
    flag = "true" if subscribe else "false"
    confirmed = "now()" if subscribe else "NULL"
    arrays = ", ".join(f"${n}::text[]" for n in range(1, len(_TEXT_COLUMNS) + 1))
    # Built from this module's constants only: no value is ever spliced into the text.
    return (
        "INSERT INTO people AS p (email, first_name, last_name, language, title, phone,"  # noqa: S608
        " municipality, topics, tags, id, version, subscription_state, newsletter_consent,"
        " survey_consent, confirmed_at)"
        " SELECT s.email, coalesce(s.first_name, ''), coalesce(s.last_name, ''),"
        " coalesce(s.language, 'fi'), coalesce(s.title, ''), s.phone, s.municipality,"
        " coalesce(string_to_array(s.topics, ','), '{}'),"
        " coalesce(string_to_array(s.tags, E'\\x1f'), '{}'),"
        f" gen_random_uuid(), 1, {state}, {flag}, {flag}, {confirmed}"
        f" FROM unnest({arrays}) AS s({', '.join(_TEXT_COLUMNS)})"
        " ON CONFLICT (lower(email)) DO UPDATE SET version = p.version + 1,"
        f" updated_at = now(), {assignments}, {lists}"
        f" WHERE {changed}"
        f" RETURNING {', '.join(f'p.{c}' for c in PERSON_COLUMNS)}"
    )


_UPSERT = {subscribe: _upsert_sql(subscribe=subscribe) for subscribe in (False, True)}
_BUMP = (
    "UPDATE people AS p SET version = p.version + 1, updated_at = now()"  # noqa: S608
    " WHERE p.id = ANY($1::uuid[])"
    f" RETURNING {', '.join(f'p.{c}' for c in PERSON_COLUMNS)}"
)
_EXTRAS = (
    "SELECT w.id, o.organisation_id, o.name, o.type, o.region, o.municipality,"
    " m.state, m.ecosystem_role, b.state"
    " FROM unnest($1::uuid[]) AS w(id)"
    " LEFT JOIN LATERAL (SELECT l.organisation_id, g.name, g.type, g.region, g.municipality"
    "   FROM person_organisations l JOIN organisations g ON g.id = l.organisation_id"
    "   WHERE l.person_id = w.id AND l.end_date IS NULL"
    "   ORDER BY l.created_at DESC LIMIT 1) AS o ON true"
    " LEFT JOIN memberships m ON m.person_id = w.id"
    " LEFT JOIN onboarding b ON b.person_id = w.id"
    " WHERE o.organisation_id IS NOT NULL OR m.person_id IS NOT NULL OR b.person_id IS NOT NULL"
)


async def upsert_people(
    conn: AsyncConnection, rows: Sequence[ImportRow], *, subscribe: bool
) -> list[Any]:
    """Insert new addresses, update known ones whose merged values differ from the stored
    ones; the new and changed people as rows of `PERSON_COLUMNS` (unchanged ones are absent).
    An imported subscriber's documented consent basis stands in for the double opt-in: they
    count as confirmed at the import (the consent log says how: method import, the basis)."""
    columns: list[list[Any]] = [[] for _ in _TEXT_COLUMNS]
    for row in rows:
        for values, c in zip(columns, _TEXT_COLUMNS, strict=True):
            value = getattr(row, c)
            values.append(_LISTS[c].join(value) if c in _LISTS else value)
    driver = await driver_of(conn)
    return list(await driver.fetch(_UPSERT[subscribe], *columns))


async def bump_versions(conn: AsyncConnection, person_ids: Sequence[uuid.UUID]) -> list[Any]:
    """A new version for people whose person row the import left alone but whose snapshot
    changed (a new organisation link or membership state); rows of `PERSON_COLUMNS`."""
    if not person_ids:
        return []
    return list(await (await driver_of(conn)).fetch(_BUMP, list(person_ids)))


async def snapshot_extras(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[Any, ...]]:
    """Each person's newest open organisation link, membership and onboarding state (in
    `EXTRA_COLUMNS` order), for those who have any."""
    rows = await (await driver_of(conn)).fetch(_EXTRAS, list(person_ids))
    return {r[0]: tuple(r)[1:] for r in rows}


async def link_organisations(
    conn: AsyncConnection, links: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> list[uuid.UUID]:
    """(person, organisation) links, each added unless the person has it open already; the
    people who got a link."""
    if not links:
        return []
    link = person_organisations.c
    src = (
        func.unnest(bindparam("people", type_=ARRAY(Uuid)), bindparam("orgs", type_=ARRAY(Uuid)))
        .table_valued("person_id", "organisation_id")
        .render_derived(name="wanted")
    )
    already = (
        select(link.id)
        .where(
            link.person_id == src.c.person_id,
            link.organisation_id == src.c.organisation_id,
            link.end_date.is_(None),
        )
        .exists()
    )
    stmt = (
        insert(person_organisations)
        .from_select(
            ["id", "person_id", "organisation_id"],
            select(func.gen_random_uuid(), src.c.person_id, src.c.organisation_id)
            .distinct()
            .where(~already),
        )
        .returning(person_organisations.c.person_id)
    )
    people_ids, org_ids = zip(*links, strict=True)
    result = await conn.execute(stmt, {"people": list(people_ids), "orgs": list(org_ids)})
    return list(result.scalars())


async def set_memberships(
    conn: AsyncConnection,
    states: Sequence[tuple[uuid.UUID, str]],
    *,
    by: str | None,
) -> list[uuid.UUID]:
    """The file's membership state per person: a new membership, or the state changed (its
    start or end time set as a staff decision would). An unchanged state is left alone. The
    people whose state was set."""
    if not states:
        return []
    src = (
        func.unnest(bindparam("people", type_=ARRAY(Uuid)), bindparam("states", type_=ARRAY(Text)))
        .table_valued("person_id", "state")
        .render_derived(name="wanted")
    )
    now = func.now()
    started = case((src.c.state.in_(("active", "paused")), now), else_=null())
    ended = case((src.c.state.in_(("left", "declined")), now), else_=null())
    stmt = insert(memberships).from_select(
        ["person_id", "state", "applied_at", "started_at", "ended_at", "decided_by"],
        select(src.c.person_id, src.c.state, now, started, ended, literal(by, Text)),
    )
    m, new = memberships.c, stmt.excluded
    upsert = stmt.on_conflict_do_update(
        index_elements=[m.person_id],
        set_={
            "state": new.state,
            "started_at": case(
                (new.state.in_(("active", "paused")), func.coalesce(m.started_at, now)),
                else_=m.started_at,
            ),
            "ended_at": case((new.state.in_(("left", "declined")), now), else_=null()),
            "decided_by": new.decided_by,
            "updated_at": now,
        },
        where=m.state != new.state,
    ).returning(m.person_id)
    people_ids, chosen = zip(*states, strict=True)
    result = await conn.execute(upsert, {"people": list(people_ids), "states": list(chosen)})
    return list(result.scalars())


async def current_organisations(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Each person's newest open organisation link, as `snapshots.snapshot_of` wants it."""
    link = person_organisations.c
    stmt = (
        select(
            link.person_id,
            link.organisation_id,
            organisations.c.name.label("organisation_name"),
            organisations.c.type.label("organisation_type"),
            organisations.c.region.label("organisation_region"),
            organisations.c.municipality.label("organisation_municipality"),
        )
        .join(organisations, organisations.c.id == link.organisation_id)
        .where(link.person_id == any_(bindparam("ids", type_=ARRAY(Uuid))))
        .where(link.end_date.is_(None))
        .order_by(link.person_id, link.created_at.desc())
        .ext(distinct_on(link.person_id))
    )
    rows = await conn.execute(stmt, {"ids": list(person_ids)})
    return {r.person_id: dict(r._mapping) for r in rows}


async def memberships_of(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Membership]:
    stmt = select(memberships).where(
        memberships.c.person_id == any_(bindparam("ids", type_=ARRAY(Uuid)))
    )
    found = {}
    for row in await conn.execute(stmt, {"ids": list(person_ids)}):
        r: Any = row._mapping
        found[r["person_id"]] = Membership(**{k: r[k] for k in Membership.__dataclass_fields__})
    return found
