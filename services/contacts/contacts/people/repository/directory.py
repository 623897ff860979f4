"""Reading people for staff (`PeopleDirectory`, `uow.directory`): the search over contacts'
own snapshot projection, and the records held about one person or organisation.

The search's filters and orders are SQL (`view_conditions`, `people_order`); the exports and
bulk jobs select the same people through `view_conditions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.activity import repository as activity
from contacts.consents import repository as consents
from contacts.memberships import repository as memberships
from contacts.memberships.domain import Transition
from contacts.participation import service as participation
from contacts.tables import SEARCHED_NAME, contact_snapshot
from shared.collation import collated

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


class PeopleDirectory(Protocol):
    async def search(
        self,
        filters: Mapping[str, Any],
        *,
        sort: str,
        descending: bool,
        lang: str,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """(snapshot rows from `offset`, at most `limit`, total matching). `filters` are the
        keywords of `view_conditions`; names sort in the alphabet of `lang`."""

    async def activity_of(self, person_id: uuid.UUID, *, limit: int = 500) -> list[dict[str, Any]]:
        """Timeline events (occurred_at, kind, source, details), newest first."""

    async def transitions_of(self, person_id: uuid.UUID) -> list[Transition]: ...

    async def consent_log_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        """Oldest first: occurred_at, purpose, given, method, wording_version, ..."""

    async def signups_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]: ...

    async def registrations_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        """The person's event registration steps as timeline items."""

    async def registrations_at(self, organisation_id: uuid.UUID) -> list[dict[str, Any]]:
        """The registration steps of the organisation's people, as timeline items."""

    async def published_snapshot(self, person_id: uuid.UUID) -> dict[str, Any] | None: ...


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


def people_order(
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


class SqlPeopleDirectory:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def search(
        self,
        filters: Mapping[str, Any],
        *,
        sort: str,
        descending: bool,
        lang: str,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        conn = self._conn
        conditions = view_conditions(**filters)
        count = select(func.count()).select_from(contact_snapshot).where(*conditions)
        if not str(filters.get("text") or "").strip():
            total = (await conn.execute(count)).scalar_one()
            rows = await conn.execute(
                select(contact_snapshot)
                .where(*conditions)
                .order_by(*people_order(sort, descending, lang))
                .limit(limit)
                .offset(offset)
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
                .order_by(*people_order(sort, descending, lang, matches))
                .limit(limit)
                .offset(offset)
            )
        ).all()
        if not found:  # past the last page: the window had no row to count on
            return [], (await conn.execute(count)).scalar_one()
        total = found[0]._total
        return [{k: v for k, v in r._mapping.items() if k != "_total"} for r in found], total

    async def activity_of(self, person_id: uuid.UUID, *, limit: int = 500) -> list[dict[str, Any]]:
        return await activity.of(self._conn, person_id, limit=limit)

    async def transitions_of(self, person_id: uuid.UUID) -> list[Transition]:
        return await memberships.transitions_of(self._conn, person_id)

    async def consent_log_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        return await consents.log_of(self._conn, person_id)

    async def signups_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        return await consents.signups_of(self._conn, person_id)

    async def registrations_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        return await participation.person_timeline(self._conn, person_id)

    async def registrations_at(self, organisation_id: uuid.UUID) -> list[dict[str, Any]]:
        return await participation.organisation_timeline(self._conn, organisation_id)

    async def published_snapshot(self, person_id: uuid.UUID) -> dict[str, Any] | None:
        row = (
            await self._conn.execute(
                select(contact_snapshot).where(contact_snapshot.c.contact_id == person_id)
            )
        ).first()
        return dict(row._mapping) if row else None
