"""Reading a file and checking its rows: the dry run, and the first step of every import.

The cells are matched against the register as it is now (topics, tags, organisations); the
report says which rows are good, which are rejected (with their original cells, so staff can
fix and upload them again) and which organisations the good rows match or would create.
"""

from __future__ import annotations

import contextlib
import csv
import io
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from contacts.errors import InvalidInput
from contacts.imports.domain.organisations import NewOrganisation, known_from
from contacts.imports.domain.rows import (
    FIRST_DATA_ROW,
    ImportRow,
    RowProblem,
    Vocabulary,
    check_basis,
    check_mapping,
    check_rows,
    vocabulary,
)
from contacts.imports.repository.rejected import full_name
from contacts.people.domain.phone import normalise_phone
from contacts.unit_of_work import ContactsUnitOfWork

MAX_REPORTED = 1000  # the report lists this many problems and counts the rest


@dataclass(frozen=True)
class Table:
    """A file's header and its rows of cells (strings; a missing cell is "")."""

    columns: tuple[str, ...]
    rows: list[dict[str, str]]
    delimiter: str = ","  # a CSV's, so a file made from it reads the same way


@dataclass(frozen=True)
class Rejected:
    """A bad row as the file had it: its cells in column order, and why it was refused."""

    row: int
    cells: tuple[str, ...]
    problems: list[RowProblem]
    needles: tuple[str, ...] = ()  # lower-cased address, phone, full name: for erasure


@dataclass
class Report:
    rows: int = 0
    good: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    bad_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # known people the file would not change: nothing written for them
    consents_given: int = 0
    columns: tuple[str, ...] = ()
    delimiter: str = ","
    rejected: list[Rejected] = field(default_factory=list)
    organisations_matched: dict[uuid.UUID, str] = field(default_factory=dict)
    organisations_created: dict[str, NewOrganisation] = field(default_factory=dict)
    links_added: int = 0
    memberships_set: int = 0


CSV_UNREADABLE = "The CSV file cannot be read: a field is too long or holds a NUL character."
XLSX_DAMAGED = "The XLSX file is damaged or incomplete."


def read_table(data: bytes, filename: str) -> Table:
    """CSV (UTF-8, with or without BOM; comma or semicolon) or XLSX (first sheet)."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    if filename.lower().endswith(".csv"):
        return _read_csv(data)
    raise InvalidInput("The file must be .csv or .xlsx.", field="file")


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The CSV file is not UTF-8.", field="file") from exc
    if "\x00" in text:  # the csv module reads it; PostgreSQL would refuse the row later
        raise InvalidInput(CSV_UNREADABLE, field="file")
    header_line = text.split("\n", 1)[0]  # cells may list values with either sign
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            raise InvalidInput("The file is empty.", field="file")
        columns = tuple(h.strip() for h in header)
        width = len(columns)
        if "'" in text:  # only a file with apostrophes may hold cells we defused
            rows = [
                dict(zip(columns, _padded([undefused(c) for c in r], width), strict=True))
                for r in reader
            ]
        else:
            rows = [dict(zip(columns, _padded(r, width), strict=True)) for r in reader]
    except csv.Error as exc:  # a field over the csv module's limit, a NUL, a stray quote
        raise InvalidInput(CSV_UNREADABLE, field="file") from exc
    return Table(columns, rows, delimiter)


def _read_xlsx(data: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InvalidInput("The XLSX file cannot be read.", field="file") from exc
    try:
        values = book.worksheets[0].iter_rows(values_only=True)
        header = next(values, None)
        if not header:
            raise InvalidInput("The file is empty.", field="file")
        columns = tuple(_cell(h).strip() for h in header)
        rows = [
            dict(zip(columns, _padded([_cell(v) for v in r], len(columns)), strict=True))
            for r in values
        ]
    except InvalidInput:
        raise
    except Exception as exc:  # the sheet is read lazily: a truncated file fails only here
        raise InvalidInput(XLSX_DAMAGED, field="file") from exc
    finally:
        book.close()
    return Table(columns, rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return undefused(str(value))


def undefused(cell: str) -> str:
    """A cell our own files wrote with a leading apostrophe (so a spreadsheet shows it as
    text, not a formula) reads as it was."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in DEFUSED else cell


DEFUSED = ("=", "+", "-", "@")


def _padded(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * width)[:width]


def mapped(table: Table, mapping: Mapping[str, str]) -> Iterator[dict[str, str]]:
    for cells in table.rows:
        yield {target: cells.get(column, "") for column, target in mapping.items()}


def preview(table: Table, mapping: Mapping[str, str], *, rows: int = 10) -> list[dict[str, str]]:
    """The first rows as the mapping reads them, before any check."""
    mapping = check_mapping(mapping, table.columns)
    return [row for row, _ in zip(mapped(table, mapping), range(rows), strict=False)]


async def load_vocabulary(uow: ContactsUnitOfWork) -> Vocabulary:
    async with uow:
        topics = await uow.topics.all_topics(include_archived=True)
        organisations = await uow.imports.organisation_names()
        tags = await uow.imports.tag_names()
    return vocabulary(
        topics=((t.key, (t.key, t.name_fi, t.name_sv, t.name_en)) for t in topics),
        organisations=known_from(organisations),
        tags=tags,
    )


async def check(
    uow: ContactsUnitOfWork,
    table: Table,
    mapping: Mapping[str, str],
    *,
    basis: str | None,
    subscribe: bool,
) -> tuple[list[ImportRow], Report]:
    """The dry run: the good rows and a report of every bad one; nothing is stored."""
    mapping = check_mapping(mapping, table.columns)
    check_basis(basis, subscribe=subscribe)
    vocab = await load_vocabulary(uow)
    report = Report(columns=table.columns, delimiter=table.delimiter)
    good: list[ImportRow] = []
    for row, problems in check_rows(mapped(table, mapping), vocab):
        report.rows += 1
        if row is not None:
            good.append(row)
            continue
        report.bad_rows += 1
        room = MAX_REPORTED - len(report.problems)
        report.problems.extend(problems[: max(room, 0)])
        report.rejected.append(_rejected(table, mapping, problems))
    report.good = len(good)
    report.organisations_matched = dict(vocab.organisations.matched)
    report.organisations_created = dict(vocab.organisations.created)
    return good, report


def _rejected(table: Table, mapping: Mapping[str, str], problems: list[RowProblem]) -> Rejected:
    number = problems[0].row
    cells = table.rows[number - FIRST_DATA_ROW]
    return Rejected(
        number,
        tuple(cells.get(c, "") for c in table.columns),
        problems,
        needles(cells, mapping),
    )


def needles(cells: Mapping[str, str], mapping: Mapping[str, str]) -> tuple[str, ...]:
    """What an erasure finds a rejected row by: every cell lower-cased, the phone as stored
    and the full name (see `repository.rejected.forget`)."""
    found = {" ".join(v.split()).lower() for v in cells.values() if v.strip()}
    by_field = {target: cells.get(column, "") for column, target in mapping.items()}
    with contextlib.suppress(InvalidInput):
        found.add(normalise_phone(by_field.get("phone", "")))
    name = full_name(by_field.get("first_name", ""), by_field.get("last_name", ""))
    if name:
        found.add(name)
    return tuple(sorted(found))


def problems_as_json(problems: list[RowProblem]) -> list[dict[str, Any]]:
    return [
        {"row": p.row, "field": p.field, "reason": p.reason, "text": p.text, "params": p.params}
        for p in problems
    ]
