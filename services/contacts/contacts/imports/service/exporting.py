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

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.imports.repository.exports import COLUMNS
from contacts.unit_of_work import ContactsUnitOfWork

FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def export_view(
    uow: ContactsUnitOfWork, *, fmt: str, actor: Actor, filters: dict[str, Any]
) -> bytes:
    """The people search's view (its filters), every page."""
    _check_format(fmt)
    async with uow:
        rows = await uow.imports.export_rows(filters=filters)
        what = {"filters": {k: str(v) for k, v in filters.items() if v}}
        await _audit(uow, actor, what, fmt=fmt, rows=len(rows))
    return render(rows, fmt)


async def export_segment(
    uow: ContactsUnitOfWork, segment_id: uuid.UUID, *, fmt: str, actor: Actor
) -> bytes:
    """The people a segment's rule selects now."""
    _check_format(fmt)
    async with uow:
        segment = await uow.segments.get(segment_id)
        if segment is None:
            raise NotFound("No such segment.")
        rows = await uow.imports.export_rows(rule=segment.rule, now=datetime.now(UTC))
        await _audit(uow, actor, {"segment_id": str(segment_id)}, fmt=fmt, rows=len(rows))
    return render(rows, fmt)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput("The format must be csv or xlsx.", field="format")


async def _audit(
    uow: ContactsUnitOfWork, actor: Actor, what: dict[str, Any], *, fmt: str, rows: int
) -> None:
    """An export is personal data leaving the register: audited, with what and how many."""
    details = {**what, "format": fmt, "rows": rows}
    await uow.audit.record(
        actor, "people.exported", target_type="people", target_id="", details=details
    )
    await uow.commit()


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


def render(rows: list[list[str]], fmt: str) -> bytes:
    return _csv(rows) if fmt == "csv" else _xlsx(rows)
