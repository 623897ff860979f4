"""An import job's result: the summary, the rejected rows on the job page, and the rejected
rows as a CSV or XLSX file with an error column, to fix and upload again.

The file holds the rows exactly as uploaded (same columns, same order, same CSV separator), so
once fixed it imports with the same mapping; the added error column is not mapped. Building
it is audited like an export (it is personal data).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.imports.domain.rows import RowProblem
from contacts.imports.repository.rejected import Stored
from contacts.imports.service.checking import DEFUSED, Report, problems_as_json
from contacts.unit_of_work import ContactsUnitOfWork

SHOWN = 200  # rejected rows on the job page; the file has them all
FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Gettext = Callable[[str], str]


def summary(report: Report) -> dict[str, Any]:
    """The job's result JSON."""
    return {
        "rows": report.rows,
        "good": report.good,
        "bad_rows": report.bad_rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "consents_given": report.consents_given,
        "problems": problems_as_json(report.problems),
        "columns": list(report.columns),
        "delimiter": report.delimiter,
        "organisations_matched": sorted(report.organisations_matched.values(), key=str.casefold),
        "organisations_created": [
            {"name": o.name, "business_id": o.business_id, "similar": o.similar}
            for o in sorted(report.organisations_created.values(), key=lambda o: o.first_row)
        ],
        "organisation_links": report.links_added,
        "memberships_set": report.memberships_set,
    }


def stored_rejected(report: Report) -> list[Stored]:
    return [(r.row, list(r.cells), _problems(r.problems), list(r.needles)) for r in report.rejected]


def _problems(problems: list[RowProblem]) -> list[dict[str, Any]]:
    return [{"field": p.field, "text": p.text, "params": dict(p.params)} for p in problems]


def said(problems: list[dict[str, Any]], gettext: Gettext, labels: dict[str, str]) -> str:
    """A row's problems in words: "Municipality: Unknown municipality …" per field."""
    parts = []
    for p in problems:
        problem = RowProblem(0, p["field"], p["text"], p.get("params") or {})
        parts.append(f"{gettext(labels.get(p['field'], p['field']))}: {problem.said(gettext)}")
    return " ".join(parts)


@dataclass(frozen=True)
class RejectedRow:
    row: int
    cells: list[str]
    problems: list[dict[str, Any]]


@dataclass(frozen=True)
class ImportResult:
    summary: dict[str, Any]
    rejected: list[RejectedRow]
    rejected_total: int

    @property
    def columns(self) -> list[str]:
        return list(self.summary.get("columns") or [])


async def result_of(uow: ContactsUnitOfWork, job_id: uuid.UUID) -> ImportResult | None:
    """A finished import's summary and its first rejected rows (None before it is done)."""
    async with uow:
        data = await uow.jobs.result_of(job_id)
        if data is None:
            return None
        rows = await uow.imports.rejected_of(job_id, limit=SHOWN)
        total = await uow.imports.rejected_count(job_id)
    return ImportResult(json.loads(data), [RejectedRow(*r) for r in rows], total)


async def rejected_file(
    uow: ContactsUnitOfWork,
    job_id: uuid.UUID,
    *,
    fmt: str,
    actor: Actor,
    gettext: Gettext,
    labels: dict[str, str],
) -> bytes:
    """Every rejected row as uploaded, with the error in words in a last column."""
    if fmt not in FORMATS:
        raise InvalidInput("The format must be csv or xlsx.", field="format")
    async with uow:
        job = await uow.jobs.get(job_id)
        data = await uow.jobs.result_of(job_id)
        if job is None or job.kind != "import" or data is None:
            raise NotFound("No such import.")
        found = json.loads(data)
        rows = await uow.imports.rejected_of(job_id)
        await uow.audit.record(
            actor,
            "people.import_rejected_exported",
            target_type="job",
            target_id=str(job_id),
            details={"format": fmt, "rows": len(rows)},
        )
        await uow.commit()
    columns = list(found.get("columns") or [])
    header = [*columns, _error_column(columns, gettext)]
    body = [[*cells, said(problems, gettext, labels)] for _row, cells, problems in rows]
    if fmt == "csv":
        return _csv(header, body, found.get("delimiter") or ",")
    return _xlsx(header, body)


def _error_column(columns: list[str], gettext: Gettext) -> str:
    name = gettext("Error")
    while name in columns:
        name += " *"
    return name


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([[_defused(c) for c in r] for r in rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("rejected")
    sheet.append(header)
    for row in rows:
        sheet.append([_defused(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _defused(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe; the import
    reads it back without (`checking.undefused`). Phone numbers ("+358 …") stay as they are."""
    if cell[:1] in DEFUSED and not _phone_like(cell):
        return "'" + cell
    return cell


def _phone_like(cell: str) -> bool:
    return cell[:1] == "+" and all(c.isdigit() or c in " -()/." for c in cell[1:])
