"""Exporting a filtered people view or a segment to CSV or XLSX (audited: it is personal data).

The columns use the import's field names, so an exported file imports back with the
identity mapping.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import InvalidInput
from contacts.people.repository.directory import view_conditions
from contacts.segments import service as segments
from contacts.tables import contact_snapshot
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.collation import collated
from shared.segments.compiler import compile_rule

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
FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def export_view(
    engine: AsyncEngine, *, fmt: str, actor: Actor, filters: dict[str, Any]
) -> bytes:
    return await _export(
        engine,
        view_conditions(**filters),
        fmt=fmt,
        actor=actor,
        what={"filters": {k: str(v) for k, v in filters.items() if v}},
    )


async def export_segment(
    engine: AsyncEngine, segment_id: uuid.UUID, *, fmt: str, actor: Actor
) -> bytes:
    segment = await segments.get_segment(SqlContactsUnitOfWork(engine), segment_id)
    condition = compile_rule(segment.rule, contact_snapshot, datetime.now(UTC))
    return await _export(
        engine, [condition], fmt=fmt, actor=actor, what={"segment_id": str(segment_id)}
    )


async def _export(
    engine: AsyncEngine,
    conditions: list[ColumnElement[bool]],
    *,
    fmt: str,
    actor: Actor,
    what: dict[str, Any],
) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput("The format must be csv or xlsx.", field="format")
    t = contact_snapshot.c
    stmt = select(*(t[c] for c in COLUMNS)).where(*conditions).order_by(*_name_order())
    async with engine.begin() as conn:
        rows = [[_cell(v) for v in r] for r in await conn.execute(stmt)]
        details = {**what, "format": fmt, "rows": len(rows)}
        await audit(
            conn, actor, "people.exported", target_type="people", target_id="", details=details
        )
    return _csv(rows) if fmt == "csv" else _xlsx(rows)


def _name_order() -> list[Any]:
    """Exports are read in Finnish by default: names in the Finnish alphabet (Å, Ä, Ö last)."""
    t = contact_snapshot.c
    return [collated(t.last_name, "fi"), collated(t.first_name, "fi"), t.contact_id]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it away.
    writer.writerows([[_defused(c) for c in r] for r in rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("people")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_defused(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _defused(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


async def rows_of(conn: AsyncConnection, person_ids: Select[Any]) -> list[list[str]]:
    """The export rows of the people a query names (a bulk export job's fixed people)."""
    t = contact_snapshot.c
    stmt = (
        select(*(t[c] for c in COLUMNS))
        .where(t.contact_id.in_(person_ids), t.erased.is_(False))
        .order_by(*_name_order())
    )
    return [[_cell(v) for v in r] for r in await conn.execute(stmt)]


def render(rows: list[list[str]], fmt: str) -> bytes:
    return _csv(rows) if fmt == "csv" else _xlsx(rows)
