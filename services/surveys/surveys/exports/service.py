"""Exports of a campaign's results: XLSX of responses with a codebook, and open data.

The open-data CSV holds aggregates only: no free text, no "other" texts, no minimum or
maximum (each is one person's answer), and every count under MIN_GROUP suppressed.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from surveys.exports.domain import safe_cell
from surveys.results import service as results
from surveys.results.domain import MIN_GROUP
from surveys.unit_of_work import SurveysUnitOfWork

NUMERIC_TYPES = {"scale", "nps", "matrix", "number", "multiple"}
SUPPRESSED = f"suppressed (fewer than {MIN_GROUP})"
OPEN_DATA_COLUMNS = [
    "question_id",
    "question_type",
    "question_text",
    "row",
    "category",
    "category_text",
    "measure",
    "value",
    "note",
]


async def responses_xlsx(
    uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID, lang: str = "fi"
) -> bytes:
    """The responses CSV and its codebook as two sheets; numeric columns as numbers.

    Built from results' own CSVs, so an anonymous campaign's sheet has no identity columns."""
    table = _rows(await results.responses_csv(uow, campaign_id=campaign_id))
    codebook = _rows(await results.codebook_csv(uow, campaign_id=campaign_id, lang=lang))
    numeric = {r[0] for r in codebook[1:] if r[2] in NUMERIC_TYPES} | {"respondent"}
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = "responses"
    header = table[0] if table else []
    body = [[_typed(c, header[i] in numeric) for i, c in enumerate(r)] for r in table[1:]]
    _fill(sheet, [header, *body])
    _fill(book.create_sheet("codebook"), codebook)
    for ws in book.worksheets:
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _typed(cell: str, numeric: bool) -> str | int | float | None:
    if cell == "":
        return None
    if numeric:
        try:
            return int(cell)
        except ValueError:
            try:
                return float(cell)
            except ValueError:
                return cell
    return cell


def _fill(sheet: Worksheet, rows: list[list[Any]]) -> None:
    for values in rows:
        sheet.append(values)
    for row in sheet.iter_rows():
        for cell in row:
            # A respondent's "=..." must stay text, never become a formula in staff's Excel.
            if cell.data_type == "f":
                cell.data_type = "s"


async def open_data_csv(uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID, lang: str = "fi") -> str:
    """Aggregates only (see the module docstring), for any campaign."""
    summary = await results.campaign_results(uow, campaign_id=campaign_id, lang=lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OPEN_DATA_COLUMNS)
    writer.writeheader()
    total = summary["responses"]
    writer.writerow(_line(measure="responses", value=_count(total), note=_note(total)))
    for q in summary["questions"]:
        for line in _question_lines(q):
            writer.writerow({k: safe_cell(v) for k, v in line.items()})
    return buffer.getvalue()


def _line(**values: Any) -> dict[str, Any]:
    return dict.fromkeys(OPEN_DATA_COLUMNS, "") | values


def _small(n: int) -> bool:
    return 0 < n < MIN_GROUP


def _count(n: int) -> int | str:
    return "" if _small(n) else n


def _note(n: int) -> str:
    return SUPPRESSED if _small(n) else ""


def _question_lines(q: dict[str, Any]) -> Iterator[dict[str, Any]]:
    head = {"question_id": q["id"], "question_type": q["type"], "question_text": q["text"]}
    answered = q["answered"]
    yield _line(**head, measure="answered", value=_count(answered), note=_note(answered))
    if answered < MIN_GROUP:
        return  # nothing more about so few people
    if "options" in q:
        yield from _categories(head, "", q["options"], single=q["type"] != "multiple")
    if "distribution" in q:
        yield from _categories(head, "", q["distribution"], single=True)
    for row in q.get("rows", []):
        row_head = head | {"row": row["value"]}
        yield _line(**row_head, measure="answered", value=_count(row["answered"]))
        if row["answered"] >= MIN_GROUP:
            yield from _categories(row_head, row["value"], row["distribution"], single=True)
            yield from _statistics(row_head, row)
    yield from _statistics(head, q)
    if q.get("nps") and q["nps"]["score"] is not None:
        yield _line(**head, measure="nps", value=q["nps"]["score"])


def _statistics(head: dict[str, Any], q: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for measure in ("mean", "median"):
        if q.get(measure) is not None:
            yield _line(**head, measure=measure, value=q[measure])


def _categories(
    head: dict[str, Any], row: str, items: list[dict[str, Any]], *, single: bool
) -> Iterator[dict[str, Any]]:
    hidden = {i for i, item in enumerate(items) if _small(item["count"])}
    if single and len(hidden) == 1:
        # With one answer per person the counts add up to "answered", so one hidden count
        # could be worked out from the rest: hide the smallest other non-zero count too.
        others = [(it["count"], i) for i, it in enumerate(items) if it["count"] and i not in hidden]
        if others:
            hidden.add(min(others)[1])
    for i, item in enumerate(items):
        category = head | {
            "row": row,
            "category": str(item["value"]),
            "category_text": item.get("text") or "",
        }
        if i in hidden:
            for measure in ("count", "percent"):
                yield _line(**category, measure=measure, note=SUPPRESSED)
        else:
            yield _line(**category, measure="count", value=item["count"])
            yield _line(**category, measure="percent", value=item["percent"])
