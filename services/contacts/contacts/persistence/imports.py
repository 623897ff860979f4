"""Set-based storage for imports: one statement per chunk, never a round trip per row."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    DateTime,
    LargeBinary,
    Text,
    Uuid,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.domain.consent import ConsentEntry
from contacts.domain.importing import ImportRow
from contacts.domain.membership import Membership
from contacts.domain.person import Person
from contacts.persistence.people import _to_person
from contacts.persistence.tables import (
    consent_log,
    contact_snapshot,
    memberships,
    organisations,
    outbox,
    people,
    person_organisations,
)
from shared.events.envelope import CloudEvent
from shared.outbox.writer import notify_channel

_CONSENT_COLUMNS = ("subscription_state", "newsletter_consent", "survey_consent")
_TEXT_COLUMNS = ("email", "first_name", "last_name", "language", "title", "municipality", "topics")


async def lock_existing(conn: AsyncConnection, emails: Sequence[str]) -> dict[str, Person]:
    """The people already holding these (lower-case) addresses, locked for this transaction."""
    stmt = (
        select(people)
        # IN (SELECT unnest) lets the planner probe the lower(email) index per address;
        # `= ANY(array)` compared every person with every address.
        .where(
            func.lower(people.c.email).in_(
                select(func.unnest(bindparam("emails", type_=ARRAY(Text)))).scalar_subquery()
            )
        )
        .with_for_update()
    )
    rows = await conn.execute(stmt, {"emails": list(emails)})
    return {p.email.lower(): p for p in map(_to_person, rows)}


async def upsert_people(
    conn: AsyncConnection, rows: Sequence[ImportRow], *, subscribe: bool
) -> list[Person]:
    """Insert new addresses, update known ones (a filled cell wins, an empty one keeps the
    stored value, topics are added); subscribing never overrides an earlier unsubscribe."""
    columns: dict[str, list[Any]] = {c: [] for c in _TEXT_COLUMNS}
    ids = []
    for row in rows:
        ids.append(uuid.uuid4())
        for c in _TEXT_COLUMNS:
            value = getattr(row, c)
            columns[c].append(",".join(value) if c == "topics" else value)
    src = (
        func.unnest(
            bindparam("ids", type_=ARRAY(Uuid)),
            *(bindparam(c, type_=ARRAY(Text)) for c in _TEXT_COLUMNS),
        )
        .table_valued("id", *_TEXT_COLUMNS)
        .render_derived(name="source")
    )
    topics = func.coalesce(func.string_to_array(src.c.topics, ","), literal([], ARRAY(Text)))
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
            src.c.municipality,
            topics,
            src.c.id,
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
    set_: dict[str, Any] = {
        "version": people.c.version + 1,
        "updated_at": func.now(),
        "municipality": func.coalesce(new.municipality, people.c.municipality),
        "topics": func.coalesce(merged_topics, literal([], ARRAY(Text))),
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
    result = await conn.execute(upsert, {"ids": ids, **columns})
    return [_to_person(r) for r in result]


async def log_consents(conn: AsyncConnection, entries: Sequence[ConsentEntry]) -> None:
    """Consent rows in one statement (the log's own `append` is per-row dataclass work)."""
    if not entries:
        return
    src = (
        func.unnest(
            bindparam("person_ids", type_=ARRAY(Uuid)), bindparam("purposes", type_=ARRAY(Text))
        )
        .table_valued("person_id", "purpose")
        .render_derived(name="source")
    )
    first = entries[0]
    stmt = insert(consent_log).from_select(
        ["person_id", "purpose", "given", "method", "basis", "occurred_at"],
        select(
            src.c.person_id,
            src.c.purpose,
            literal(True),
            literal(first.method),
            literal(first.basis, Text),
            literal(first.at, DateTime(timezone=True)),
        ),
    )
    await conn.execute(
        stmt,
        {"person_ids": [e.person_id for e in entries], "purposes": [e.purpose for e in entries]},
    )


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


_SEP = "\x1f"  # joins an array cell into one text: unnest() would flatten a 2-D array


async def upsert_snapshot_rows(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """As `shared.snapshot.upsert_snapshots` (newer version wins, erased is final), but one
    INSERT ... SELECT unnest(...) per chunk instead of an executemany of one row each."""
    cols = [c for c in contact_snapshot.c if c.name != "updated_at"]
    params: dict[str, list[Any]] = {}
    arrays = []
    for c in cols:
        if isinstance(c.type, ARRAY):
            params[c.name] = [_SEP.join(r.get(c.name) or ()) for r in rows]
            arrays.append(bindparam(c.name, type_=ARRAY(Text)))
        else:
            params[c.name] = [r.get(c.name) for r in rows]
            arrays.append(bindparam(c.name, type_=ARRAY(c.type)))
    src = func.unnest(*arrays).table_valued(*(c.name for c in cols)).render_derived(name="src")
    values = [
        func.coalesce(func.string_to_array(src.c[c.name], _SEP), literal([], ARRAY(Text)))
        if isinstance(c.type, ARRAY)
        else src.c[c.name]
        for c in cols
    ]
    stmt = insert(contact_snapshot).from_select([c.name for c in cols], select(*values))
    set_: dict[str, Any] = {c.name: stmt.excluded[c.name] for c in cols if c.name != "contact_id"}
    set_["updated_at"] = func.now()
    stmt = stmt.on_conflict_do_update(
        index_elements=[contact_snapshot.c.contact_id],
        set_=set_,
        where=(contact_snapshot.c.version < stmt.excluded.version)
        & contact_snapshot.c.erased.is_(False),
    )
    await conn.execute(stmt, params)


async def add_outbox_rows(
    conn: AsyncConnection, messages: Sequence[tuple[str, str | None, CloudEvent]]
) -> None:
    """As `shared.outbox.add_to_outbox` (same rows, same NOTIFY), in one INSERT ... SELECT."""
    if not messages:
        return
    src = (
        func.unnest(
            bindparam("event_ids", type_=ARRAY(Uuid)),
            bindparam("topics", type_=ARRAY(Text)),
            bindparam("keys", type_=ARRAY(Text)),
            bindparam("headers", type_=ARRAY(Text)),
            bindparam("payloads", type_=ARRAY(LargeBinary)),
        )
        .table_valued("event_id", "topic", "key", "headers", "payload")
        .render_derived(name="src")
    )
    stmt = insert(outbox).from_select(
        ["event_id", "topic", "key", "headers", "payload"],
        select(src.c.event_id, src.c.topic, src.c.key, cast(src.c.headers, JSONB), src.c.payload),
    )
    await conn.execute(
        stmt,
        {
            "event_ids": [e.id for _, _, e in messages],
            "topics": [t for t, _, _ in messages],
            "keys": [k for _, k, _ in messages],
            "headers": [
                json.dumps([[k, v.decode()] for k, v in e.to_headers()]) for _, _, e in messages
            ],
            "payloads": [e.value_bytes() for _, _, e in messages],
        },
    )
    await conn.execute(
        text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel("contacts")}
    )
