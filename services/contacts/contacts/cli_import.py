"""`python -m contacts.main import-people FILE --mapping ... [--basis ...] [--dry-run]`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from contacts.errors import DomainError
from contacts.imports.domain.rows import FIELDS
from contacts.imports.service import importing
from contacts.settings import ContactsSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.db import make_engine
from shared.entrypoints import Command

BAR = 30


def _args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .csv or .xlsx file")
    parser.add_argument(
        "--mapping",
        required=True,
        help='file column to field, as JSON ({"Sähköposti": "email"}) or col=field,col=field; '
        "fields: " + ", ".join(FIELDS),
    )
    parser.add_argument("--basis", default="", help="documented consent basis (with --subscribe)")
    parser.add_argument("--subscribe", action="store_true", help="import as subscribers")
    parser.add_argument("--dry-run", action="store_true", help="report bad rows, store nothing")


def _parse_mapping(raw: str) -> dict[str, str]:
    if raw.lstrip().startswith("{"):
        value = json.loads(raw)
        return {str(k): str(v) for k, v in value.items()}
    pairs = (part.split("=", 1) for part in raw.split(",") if part.strip())
    return {column.strip(): field.strip() for column, field in pairs}


def _bar(done: int, total: int) -> None:
    """A progress bar on stderr, so stdout keeps the report alone."""
    share = done / total if total else 1.0
    filled = int(share * BAR)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} {share:4.0%}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


async def _run(settings: ContactsSettings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, pool_size=2)
    started = time.perf_counter()
    try:
        table = importing.read_table(args.file.read_bytes(), args.file.name)
        mapping = _parse_mapping(args.mapping)
        if args.dry_run:
            _, report = await importing.check(
                SqlContactsUnitOfWork(engine),
                table,
                mapping,
                basis=args.basis,
                subscribe=args.subscribe,
            )
        else:
            report = await importing.import_people(
                lambda: SqlContactsUnitOfWork(engine),
                table,
                mapping,
                basis=args.basis,
                subscribe=args.subscribe,
                progress=_bar,
            )
    except (DomainError, ValueError, OSError) as error:
        print(f"error: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    for problem in report.problems:
        print(f"row {problem.row}: {problem.field}: {problem.reason}")
    matched = sorted(report.organisations_matched.values(), key=str.casefold)
    created = [o.name for o in report.organisations_created.values()]
    print(
        f"organisations matched: {len(matched)}" + (f" ({', '.join(matched)})" if matched else "")
    )
    label = "to create" if args.dry_run else "created"
    print(
        f"organisations {label}: {len(created)}" + (f" ({', '.join(created)})" if created else "")
    )
    verb = "checked" if args.dry_run else "imported"
    print(
        f"{report.rows} rows {verb} in {time.perf_counter() - started:.1f} s: "
        f"{report.good} good, {report.bad_rows} bad; "
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.consents_given} consents recorded"
    )
    return 1 if report.bad_rows and args.dry_run else 0


COMMANDS = {"import-people": Command("import people from CSV/XLSX", _args, _run)}
