"""Importing people from CSV or XLSX: preview, dry run, and the chunked set-based import.

Each chunk is one transaction: people upserted by address, consent rows for new imported
subscribers (method "import", with the documented basis), snapshots in the projection and on
the outbox. A crash mid-file leaves whole chunks imported and the rest untouched; importing
the same file again is harmless (an upsert).
"""

from __future__ import annotations

import asyncio
import csv
import gc
import io
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.consents.domain import PURPOSES
from contacts.errors import InvalidInput
from contacts.imports.domain.rows import (
    ImportRow,
    RowProblem,
    check_basis,
    check_mapping,
    check_rows,
)
from contacts.imports.repository import batches as import_batches
from contacts.imports.repository import people as imports
from contacts.imports.service.events import snapshot_outbox_rows
from contacts.people.domain.person import Person
from contacts.snapshots import snapshot_of
from contacts.topics import repository as topic_store
from contacts.unit_of_work import unit_of_work
from shared.logs import correlation_id

CHUNK = 5000
MAX_REPORTED = 1000  # the report lists this many problems and counts the rest
Progress = Callable[[int, int], None]  # (rows done, rows to import)
# Called inside each chunk's transaction with the chunk's size; False rolls the chunk back
# (a job runner that lost its lease), so the job's count and the rows commit together.
ChunkHook = Callable[[AsyncConnection, int], Awaitable[bool]]


class ChunkRefused(Exception):
    """The chunk hook refused to commit: the import stops, nothing of that chunk stays."""


@dataclass(frozen=True)
class Table:
    """A file's header and its rows of cells (strings; a missing cell is "")."""

    columns: tuple[str, ...]
    rows: list[dict[str, str]]


@dataclass
class Report:
    rows: int = 0
    good: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    bad_rows: int = 0
    created: int = 0
    updated: int = 0
    consents_given: int = 0


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
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InvalidInput("The file is empty.", field="file")
    columns = tuple(h.strip() for h in header)
    rows = [dict(zip(columns, _padded(r, len(columns)), strict=True)) for r in reader]
    return Table(columns, rows)


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
    finally:
        book.close()
    return Table(columns, rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _padded(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * width)[:width]


def _mapped(table: Table, mapping: Mapping[str, str]) -> Iterator[dict[str, str]]:
    for cells in table.rows:
        yield {target: cells.get(column, "") for column, target in mapping.items()}


def preview(table: Table, mapping: Mapping[str, str], *, rows: int = 10) -> list[dict[str, str]]:
    """The first rows as the mapping reads them, before any check."""
    mapping = check_mapping(mapping, table.columns)
    return [row for row, _ in zip(_mapped(table, mapping), range(rows), strict=False)]


async def check(
    engine: AsyncEngine,
    table: Table,
    mapping: Mapping[str, str],
    *,
    basis: str | None,
    subscribe: bool,
) -> tuple[list[ImportRow], Report]:
    """The dry run: the good rows and a report of every bad one; nothing is stored."""
    mapping = check_mapping(mapping, table.columns)
    check_basis(basis, subscribe=subscribe)
    async with engine.connect() as conn:
        known = frozenset(t.key for t in await topic_store.all_topics(conn, include_archived=True))
    report = Report()
    good: list[ImportRow] = []
    for row, problems in check_rows(_mapped(table, mapping), known):
        report.rows += 1
        if row is not None:
            good.append(row)
            continue
        report.bad_rows += 1
        room = MAX_REPORTED - len(report.problems)
        report.problems.extend(problems[: max(room, 0)])
    report.good = len(good)
    return good, report


async def import_people(
    engine: AsyncEngine,
    table: Table,
    mapping: Mapping[str, str],
    *,
    basis: str | None,
    subscribe: bool,
    progress: Progress | None = None,
    chunk: int = CHUNK,
    actor: Actor | None = None,
    skip: int = 0,
    on_chunk: ChunkHook | None = None,
) -> Report:
    """Check the file, then import its good rows chunk by chunk; bad rows are skipped.

    `skip` good rows are taken as imported already (a resumed job)."""
    good, report = await check(engine, table, mapping, basis=basis, subscribe=subscribe)
    basis_text = check_basis(basis, subscribe=subscribe)
    if progress:
        progress(skip, len(good))
    with _collector_spared():
        # Two chunks in flight, each in its own transaction: while the database writes one, Python
        # builds the next. A chunk commits only after the one before it committed (and rolls back
        # if that one failed), so what is committed is always the file's first chunks.
        in_flight: tuple[asyncio.Task[None], int] | None = None  # the chunk before, its size
        done = skip
        for start in range(skip, len(good), chunk):
            rows = good[start : start + chunk]
            current = asyncio.create_task(
                _import_chunk(
                    engine,
                    rows,
                    report,
                    subscribe=subscribe,
                    basis=basis_text,
                    on_chunk=on_chunk,
                    after=in_flight[0] if in_flight else None,
                )
            )
            if in_flight is not None:
                done = await _finished(in_flight, current, done, progress, len(good))
            in_flight = (current, len(rows))
        if in_flight is not None:
            await _finished(in_flight, None, done, progress, len(good))
    async with engine.begin() as conn:
        details: dict[str, Any] = {"rows": report.rows, "created": report.created}
        details |= {"updated": report.updated}
        details |= {"bad_rows": report.bad_rows, "subscribe": subscribe, "basis": basis_text}
        await audit(
            conn, actor, "people.imported", target_type="people", target_id="", details=details
        )
    return report


async def _finished(
    chunk: tuple[asyncio.Task[None], int],
    following: asyncio.Task[None] | None,
    done: int,
    progress: Progress | None,
    total: int,
) -> int:
    """Wait for `chunk` to commit and report progress; if it failed, the following chunk
    (waiting for it) rolls back, and is awaited before the error goes up."""
    try:
        await chunk[0]
    except BaseException:
        if following is not None:
            await asyncio.gather(following, return_exceptions=True)
        raise
    done += chunk[1]
    if progress:
        progress(done, total)
    return done


async def _import_chunk(
    engine: AsyncEngine,
    rows: list[ImportRow],
    report: Report,
    *,
    subscribe: bool,
    basis: str | None,
    on_chunk: ChunkHook | None = None,
    after: asyncio.Task[None] | None = None,
) -> None:
    now = datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        before = await import_batches.lock_consents(uow.conn, [r.email for r in rows])
        stored = await imports.upsert_people(uow.conn, rows, subscribe=subscribe)
        given = [
            (p.id, purpose)
            for p in stored
            for purpose in PURPOSES
            if subscribe and _newly_given(before.get(p.email.lower()), p, purpose)
        ]
        await import_batches.copy_consents(uow.conn, given, at=now, basis=basis)
        ids = [p.id for p in stored]
        links = await imports.current_organisations(uow.conn, ids)
        members = await imports.memberships_of(uow.conn, ids)
        snapshots = [
            snapshot_of(p, organisation=links.get(p.id), membership=members.get(p.id))
            for p in stored
        ]
        # Set-based: the projection and the outbox rows go in by COPY, in this transaction.
        await import_batches.upsert_snapshots(uow.conn, snapshots)
        await import_batches.copy_outbox(
            uow.conn, snapshot_outbox_rows(snapshots, correlation_id=correlation_id.get())
        )
        if after is not None:
            await after  # its failure raises here: this chunk rolls back too
        if on_chunk is not None and not await on_chunk(uow.conn, len(rows)):
            raise ChunkRefused
        await uow.commit()
    report.created += len(stored) - len(before)
    report.updated += len(before)
    report.consents_given += len(given)


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Leave the objects alive now (modules, the file's rows) out of the collector's passes
    until the import ends: walking them in every full pass was a third of a big import's CPU."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _newly_given(before: tuple[bool, bool] | None, after: Person, purpose: str) -> bool:
    """`before` is the stored (newsletter, survey) consent; None for a new person."""
    held_after = after.newsletter_consent if purpose == "newsletter" else after.survey_consent
    if not held_after:
        return False
    if before is None:
        return True
    return not (before[0] if purpose == "newsletter" else before[1])


def problems_as_json(report: Report) -> list[dict[str, Any]]:
    return [{"row": p.row, "field": p.field, "reason": p.reason} for p in report.problems]
