"""Finding people (over contacts' own snapshot projection), timelines and GDPR export."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.activity import repository as activity
from contacts.consents import repository as consents
from contacts.errors import NotFound
from contacts.memberships import repository as memberships
from contacts.notes import repository as notes
from contacts.organisations import repository as organisations
from contacts.participation import service as participation
from contacts.people import repository as people
from contacts.tables import SEARCHED_NAME, contact_snapshot
from contacts.visits import repository as visit_store
from shared.collation import collated

MAX_PAGE = 200


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def view_conditions(
    *,
    text: str = "",
    organisation_type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    membership_state: str | None = None,
    subscription_state: str | None = None,
    topic: str | None = None,
    organisation_id: uuid.UUID | None = None,
    tag: str | None = None,
) -> list[ColumnElement[bool]]:
    """The people search's filters as WHERE conditions (the search and exports share them)."""
    t = contact_snapshot.c
    conditions: list[ColumnElement[bool]] = [t.erased.is_(False)]
    if text.strip():
        pattern = f"%{_escape_like(text.strip())}%"
        conditions.append(
            or_(
                t.email.ilike(pattern),
                t.organisation_name.ilike(pattern),
                SEARCHED_NAME.ilike(pattern),
            )
        )
    for column, value in (
        (t.organisation_type, organisation_type),
        (t.region, region),
        (t.municipality, municipality),
        (t.membership_state, membership_state),
        (t.subscription_state, subscription_state),
        (t.organisation_id, organisation_id),
    ):
        if value:
            conditions.append(column == value)
    if topic:
        conditions.append(t.topics.contains([topic]))
    if tag:
        conditions.append(t.tags.contains([tag]))
    return conditions


async def search_people(
    engine: AsyncEngine,
    *,
    text: str = "",
    organisation_type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    membership_state: str | None = None,
    subscription_state: str | None = None,
    topic: str | None = None,
    organisation_id: uuid.UUID | None = None,
    tag: str | None = None,
    page: int = 1,
    per_page: int = 50,
    sort: str = "name",
    descending: bool = False,
    lang: str = "fi",
) -> tuple[list[dict[str, Any]], int]:
    """(snapshot rows of one page, total). Text matches names, address and organisation.

    Names sort in the alphabet of `lang` (the page's language): see `shared.collation`.
    """
    per_page = max(1, min(per_page, MAX_PAGE))
    page = max(1, page)
    conditions = view_conditions(
        text=text,
        organisation_type=organisation_type,
        region=region,
        municipality=municipality,
        membership_state=membership_state,
        subscription_state=subscription_state,
        topic=topic,
        organisation_id=organisation_id,
        tag=tag,
    )
    count = select(func.count()).select_from(contact_snapshot).where(*conditions)
    async with engine.connect() as conn:
        if not text.strip():
            total = (await conn.execute(count)).scalar_one()
            rows = await conn.execute(
                select(contact_snapshot)
                .where(*conditions)
                .order_by(*_people_order(sort, descending, lang))
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
            return [dict(r._mapping) for r in rows], total
        # The matches first (trigram indexes), then their order and number in one pass:
        # walking the name-order index and testing each row against the text would read most
        # of the table, and counting apart would read every match twice.
        matches = select(contact_snapshot).where(*conditions).cte("matches")
        matches = matches.prefix_with("MATERIALIZED")
        found = (
            await conn.execute(
                select(matches, func.count().over().label("_total"))
                .order_by(*_people_order(sort, descending, lang, matches))
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        ).all()
        if not found:  # past the last page: the window had no row to count on
            return [], (await conn.execute(count)).scalar_one()
        total = found[0]._total
        return [{k: v for k, v in r._mapping.items() if k != "_total"} for r in found], total


PEOPLE_SORTS = {
    "name": ("last_name", "first_name"),
    "email": ("email",),
    "organisation": ("organisation_name",),
    "region": ("region",),
    "membership": ("membership_state",),
    "subscription": ("subscription_state",),
    "last_engaged": ("last_engaged_on",),
    "created": ("created_at",),
}


NAME_COLUMNS = frozenset({"last_name", "first_name", "organisation_name"})
# A live person always has these (people's columns are NOT NULL; only erased rows lack them).
NEVER_EMPTY = frozenset({"last_name", "first_name"})


def _people_order(
    sort: str, descending: bool, lang: str = "fi", source: Any = contact_snapshot
) -> list[Any]:
    """The chosen columns (empty values last either way), then name and id: stable pages.

    Names are collated for `lang`; the name order, either way, is served by the index
    `ix_contact_snapshot_name_<lang>` of the staff languages.
    """
    t = source.c
    first = []
    for name in PEOPLE_SORTS.get(sort, PEOPLE_SORTS["name"]):
        column = collated(t[name], lang) if name in NAME_COLUMNS else t[name]
        if not descending:
            first.append(column.asc().nulls_last())
        elif name in NEVER_EMPTY:  # plain DESC: the index, read backwards
            first.append(column.desc())
        else:
            first.append(column.desc().nulls_last())
    return [*first, collated(t.last_name, lang), collated(t.first_name, lang), t.contact_id]


async def timeline(engine: AsyncEngine, person_id: uuid.UUID) -> list[dict[str, Any]]:
    """Activity, membership steps (from, to, by whom, why), consent changes and staff notes,
    newest first."""
    async with engine.connect() as conn:
        if await people.get(conn, person_id) is None:
            raise NotFound("No such person.")
        items = [
            {
                "at": a["occurred_at"],
                "kind": a["kind"],
                "source": a["source"],
                "details": a["details"],
            }
            for a in await activity.of(conn, person_id)
            if a["kind"] != "membership_changed"  # told in full by the steps below
        ]
        items += [
            {
                "at": step.at,
                "kind": "membership_changed",
                "source": "contacts" if step.by is None else "staff",
                "details": {
                    "action": step.action,
                    "from": step.from_state,
                    "state": step.to_state,
                    "reason": step.reason,
                    "by": step.by,
                },
            }
            for step in await memberships.transitions_of(conn, person_id)
        ]
        items += [
            {
                "at": c["occurred_at"],
                "kind": "consent_given" if c["given"] else "consent_withdrawn",
                "source": "contacts",
                "details": {
                    "purpose": c["purpose"],
                    "method": c["method"],
                    "wording_version": c["wording_version"],
                },
            }
            for c in await consents.log_of(conn, person_id)
        ]
        items += [
            {
                "at": n.created_at,
                "kind": "note",
                "source": "staff",
                "details": {"id": str(n.id), "author": n.author, "text": n.text},
            }
            for n in await notes.of_person(conn, person_id)
        ]
        items += await participation.person_timeline(conn, person_id)
    return sorted(items, key=lambda i: i["at"], reverse=True)


async def organisation_timeline(
    engine: AsyncEngine, organisation_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Staff notes, visit requests (made, and each later move) and the event registrations of
    the organisation's people, newest first."""
    async with engine.connect() as conn:
        items = [
            {
                "at": n.created_at,
                "kind": "note",
                "source": "staff",
                "details": {"id": str(n.id), "author": n.author, "text": n.text},
            }
            for n in await notes.of_organisation(conn, organisation_id)
        ]
        for v in await visit_store.listed(conn, organisation_id=organisation_id):
            summary = {"id": str(v.id), "text": f"{v.form.contact_name}, {v.form.wished_dates}"}
            items.append(
                {"at": v.created_at, "kind": "visit_requested", "source": "public",
                 "details": summary}
            )  # fmt: skip
            if v.state_changed_at is not None:
                items.append(
                    {"at": v.state_changed_at, "kind": f"visit_{v.state}", "source": "staff",
                     "details": {**summary, "author": v.state_changed_by or ""}}
                )  # fmt: skip
        items += await participation.organisation_timeline(conn, organisation_id)
    return sorted(items, key=lambda i: i["at"], reverse=True)


async def export_person(engine: AsyncEngine, person_id: uuid.UUID) -> dict[str, Any]:
    """Everything contacts holds about one person (GDPR art. 15), JSON-ready."""
    async with engine.connect() as conn:
        person = await people.get(conn, person_id)
        if person is None:
            raise NotFound("No such person.")
        membership = await memberships.get(conn, person_id)
        snapshot = (
            await conn.execute(
                select(contact_snapshot).where(contact_snapshot.c.contact_id == person_id)
            )
        ).first()
        return {
            "person": asdict(person),
            "organisations": await organisations.links_of(conn, person_id),
            "membership": asdict(membership) if membership else None,
            "membership_history": [
                asdict(step) for step in await memberships.transitions_of(conn, person_id)
            ],
            "consent_log": await consents.log_of(conn, person_id),
            "signups": await consents.signups_of(conn, person_id),
            "activity": await activity.of(conn, person_id, limit=100_000),
            "event_registrations": await participation.person_timeline(conn, person_id),
            "published_snapshot": dict(snapshot._mapping) if snapshot else None,
        }
