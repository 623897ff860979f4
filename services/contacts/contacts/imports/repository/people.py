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
from contacts.memberships.domain import Membership
from contacts.people.domain.person import Person
from contacts.people.repository import _to_person
from contacts.tables import (
    memberships,
    organisations,
    people,
    person_organisations,
)

_CONSENT_COLUMNS = ("subscription_state", "newsletter_consent", "survey_consent")
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


async def upsert_people(
    conn: AsyncConnection, rows: Sequence[ImportRow], *, subscribe: bool
) -> list[Person]:
    """Insert new addresses, update known ones (a filled cell wins, an empty one keeps the
    stored value, topics and tags are added); subscribing never overrides an earlier
    unsubscribe."""
    columns: dict[str, list[Any]] = {c: [] for c in _TEXT_COLUMNS}
    for row in rows:
        for c in _TEXT_COLUMNS:
            value = getattr(row, c)
            columns[c].append(_LISTS[c].join(value) if c in _LISTS else value)
    src = (
        func.unnest(*(bindparam(c, type_=ARRAY(Text)) for c in _TEXT_COLUMNS))
        .table_valued(*_TEXT_COLUMNS)
        .render_derived(name="source")
    )
    topics = func.coalesce(func.string_to_array(src.c.topics, ","), literal([], ARRAY(Text)))
    tag_list = func.coalesce(
        func.string_to_array(src.c.tags, _LISTS["tags"]), literal([], ARRAY(Text))
    )
    state = "subscribed" if subscribe else "pending"
    # An imported subscriber's documented consent basis stands in for the double opt-in: they
    # count as confirmed at the import (the consent log says how: method import, the basis).
    confirmed = func.now() if subscribe else null()
    stmt = insert(people).from_select(
        [*_TEXT_COLUMNS, "id", "version", *_CONSENT_COLUMNS, "confirmed_at"],
        select(
            src.c.email,
            func.coalesce(src.c.first_name, ""),
            func.coalesce(src.c.last_name, ""),
            func.coalesce(src.c.language, "fi"),
            func.coalesce(src.c.title, ""),
            src.c.phone,
            src.c.municipality,
            topics,
            tag_list,
            func.gen_random_uuid(),  # a new person's id; a known address keeps its own
            literal(1),
            literal(state),
            literal(subscribe),
            literal(subscribe),
            confirmed,
        ),
    )
    new = stmt.excluded
    keep_unsubscribed = people.c.subscription_state == "unsubscribed"
    merged_topics = select(
        func.array_agg(func.distinct(func.unnest(people.c.topics + new.topics).column_valued()))
    ).scalar_subquery()
    merged_tags = select(
        func.array_agg(func.distinct(func.unnest(people.c.tags + new.tags).column_valued()))
    ).scalar_subquery()
    set_: dict[str, Any] = {
        "version": people.c.version + 1,
        "updated_at": func.now(),
        "phone": func.coalesce(new.phone, people.c.phone),
        "municipality": func.coalesce(new.municipality, people.c.municipality),
        "topics": func.coalesce(merged_topics, literal([], ARRAY(Text))),
        "tags": func.coalesce(merged_tags, literal([], ARRAY(Text))),
    }
    for c in ("first_name", "last_name", "language", "title"):
        set_[c] = func.coalesce(func.nullif(new[c], ""), people.c[c])
    if subscribe:
        set_["subscription_state"] = case(
            (keep_unsubscribed, people.c.subscription_state), else_=literal("subscribed")
        )
        for c in ("newsletter_consent", "survey_consent"):
            set_[c] = case((keep_unsubscribed, people.c[c]), else_=literal(True))
        set_["confirmed_at"] = case(
            (keep_unsubscribed, people.c.confirmed_at),
            else_=func.coalesce(people.c.confirmed_at, func.now()),
        )
    upsert = stmt.on_conflict_do_update(
        index_elements=[func.lower(people.c.email)], set_=set_
    ).returning(*people.c)
    result = await conn.execute(upsert, columns)
    return [_to_person(r) for r in result]


async def link_organisations(
    conn: AsyncConnection, links: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> int:
    """(person, organisation) links, each added unless the person has it open already."""
    if not links:
        return 0
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
    stmt = insert(person_organisations).from_select(
        ["id", "person_id", "organisation_id"],
        select(func.gen_random_uuid(), src.c.person_id, src.c.organisation_id)
        .distinct()
        .where(~already),
    )
    people_ids, org_ids = zip(*links, strict=True)
    result = await conn.execute(stmt, {"people": list(people_ids), "orgs": list(org_ids)})
    return int(result.rowcount or 0)


async def set_memberships(
    conn: AsyncConnection,
    states: Sequence[tuple[uuid.UUID, str]],
    *,
    by: str | None,
) -> int:
    """The file's membership state per person: a new membership, or the state changed (its
    start or end time set as a staff decision would). An unchanged state is left alone."""
    if not states:
        return 0
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
    )
    people_ids, chosen = zip(*states, strict=True)
    result = await conn.execute(upsert, {"people": list(people_ids), "states": list(chosen)})
    return int(result.rowcount or 0)


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
