"""The rows of an export: the people search's view, a segment's rule, or a job's fixed people,
read from contacts' snapshot projection in the Finnish name order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.people.repository.directory import view_conditions
from contacts.tables import contact_snapshot
from shared.collation import collated
from shared.segments.compiler import compile_rule
from shared.segments.rules import RuleLike

# The import's field names, so an exported file imports back with the identity mapping.
COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "language",
    "municipality",
    "topics",
    "region",
    "organisation_name",
    "organisation_type",
    "subscription_state",
    "membership_state",
    "email_status",
)


async def rows(
    conn: AsyncConnection,
    *,
    filters: dict[str, Any] | None = None,
    rule: RuleLike | None = None,
    now: datetime | None = None,
) -> list[list[str]]:
    """The rows the people search's `filters` show, or those `rule` selects at `now`."""
    conditions: Sequence[ColumnElement[bool]]
    if rule is not None:
        assert now is not None
        conditions = [compile_rule(rule, contact_snapshot, now)]
    else:
        conditions = view_conditions(**(filters or {}))
    return await _read(conn, select(*_columns()).where(*conditions))


async def rows_of(conn: AsyncConnection, person_ids: Select[Any]) -> list[list[str]]:
    """The export rows of the people a query names (a bulk export job's fixed people)."""
    t = contact_snapshot.c
    stmt = select(*_columns()).where(t.contact_id.in_(person_ids), t.erased.is_(False))
    return await _read(conn, stmt)


def _columns() -> list[Any]:
    return [contact_snapshot.c[c] for c in COLUMNS]


async def _read(conn: AsyncConnection, stmt: Select[Any]) -> list[list[str]]:
    """Exports are read in Finnish by default: names in the Finnish alphabet (Å, Ä, Ö last)."""
    t = contact_snapshot.c
    ordered = stmt.order_by(collated(t.last_name, "fi"), collated(t.first_name, "fi"), t.contact_id)
    return [[_cell(v) for v in r] for r in await conn.execute(ordered)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)
