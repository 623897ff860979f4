"""Set-based storage for imports: one statement per chunk, never a round trip per row.

What a row does to a person is decided in `imports.domain.merging`; this only stores it."""

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

from contacts.imports.domain.merging import Known, PersonValues
from contacts.imports.domain.snapshots import PERSON_COLUMNS
from contacts.imports.repository.batches import driver_of
from contacts.memberships.domain import Membership
from contacts.tables import (
    memberships,
    organisations,
    person_organisations,
)

_LISTS = {"topics": ",", "tags": "\x1f"}  # topic keys have no comma; a tag may
# The values an import writes (`merging.PersonValues`), with each one's array type.
_VALUE_COLUMNS = (
    ("first_name", "text"),
    ("last_name", "text"),
    ("language", "text"),
    ("title", "text"),
    ("phone", "text"),
    ("municipality", "text"),
    ("topics", "text"),  # joined by _LISTS, split again in SQL
    ("tags", "text"),
    ("subscription_state", "text"),
    ("newsletter_consent", "bool"),
    ("survey_consent", "bool"),
    ("confirmed_at", "timestamptz"),
)
_NAMES = tuple(name for name, _ in _VALUE_COLUMNS)
if PersonValues._fields != _NAMES:  # the arrays are built and read in this order
    raise RuntimeError("The import's value columns must follow PersonValues.")
_RETURNING = ", ".join(f"p.{c}" for c in PERSON_COLUMNS)


def _source(first: tuple[str, str]) -> str:
    """unnest($1::first[], $2::…[], …) AS s(first, values…): the batch as a table."""
    columns = (first, *_VALUE_COLUMNS)
    arrays = ", ".join(f"${n}::{kind}[]" for n, (_, kind) in enumerate(columns, start=1))
    return f"unnest({arrays}) AS s({', '.join(name for name, _ in columns)})"


def _value(name: str) -> str:
    if name in _LISTS:
        return f"coalesce(string_to_array(s.{name}, E'{_LISTS[name]!s}'), '{{}}')".replace(
            "\x1f", "\\x1f"
        )
    return f"s.{name}"


# Built from this module's constants only: no value is ever spliced into the text.
_INSERT = (
    f"INSERT INTO people AS p (id, version, email, {', '.join(_NAMES)})"  # noqa: S608
    f" SELECT gen_random_uuid(), 1, s.email, {', '.join(_value(n) for n in _NAMES)}"
    f" FROM {_source(('email', 'text'))}"
    f" ON CONFLICT (lower(email)) DO NOTHING RETURNING {_RETURNING}"
)
_UPDATE = (
    "UPDATE people AS p SET version = p.version + 1, updated_at = now(), "  # noqa: S608
    + ", ".join(f"{n} = {_value(n)}" for n in _NAMES)
    + f" FROM {_source(('id', 'uuid'))} WHERE p.id = s.id RETURNING {_RETURNING}"
)
_KNOWN = (
    f"SELECT id, email, {', '.join(_NAMES)} FROM people"  # noqa: S608
    " WHERE lower(email) IN (SELECT unnest($1::text[])) FOR UPDATE"
)
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


async def lock_known(conn: AsyncConnection, emails: Sequence[str]) -> dict[str, Known]:
    """The people already holding these lower-case addresses, locked for this transaction
    (so the merge and the consents newly given are exact), by lower-case address."""
    rows = await (await driver_of(conn)).fetch(_KNOWN, list(emails))
    found = {}
    for r in rows:
        v = tuple(r)
        found[v[1].lower()] = Known(
            v[0],
            PersonValues(
                v[2],
                v[3],
                v[4],
                v[5],
                v[6],
                v[7],
                tuple(v[8] or ()),
                tuple(v[9] or ()),
                v[10],
                v[11],
                v[12],
                v[13],
            ),
        )
    return found


def _arrays(first: Sequence[Any], values: Sequence[PersonValues]) -> list[list[Any]]:
    columns: list[list[Any]] = [list(first)]
    for name in _NAMES:
        if name in _LISTS:
            columns.append([_LISTS[name].join(getattr(v, name)) for v in values])
        else:
            columns.append([getattr(v, name) for v in values])
    return columns


async def insert_people(
    conn: AsyncConnection, new: Sequence[tuple[str, PersonValues]]
) -> list[Any]:
    """New people, as rows of `PERSON_COLUMNS`. An address someone stored meanwhile (after
    `lock_known`) is skipped: it is absent from the answer."""
    if not new:
        return []
    emails, values = zip(*new, strict=True)
    return list(await (await driver_of(conn)).fetch(_INSERT, *_arrays(emails, values)))


async def update_people(
    conn: AsyncConnection, changed: Sequence[tuple[uuid.UUID, PersonValues]]
) -> list[Any]:
    """Known people's new values (each a new version), as rows of `PERSON_COLUMNS`."""
    if not changed:
        return []
    ids, values = zip(*changed, strict=True)
    return list(await (await driver_of(conn)).fetch(_UPDATE, *_arrays(ids, values)))


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
