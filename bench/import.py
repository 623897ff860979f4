"""Benchmark: importing 100,000 people from a generated CSV into contacts' database.

Against the stack in the environment (`deploy/bin/with-test-env.sh .venv/bin/python
bench/import.py`): migrates contacts' database, empties it, writes a CSV (a third of the rows
with a municipality, topics on half), then times `importing.import_people` end to end: parse,
check every row, upsert, consent log, projection and outbox, committed chunk by chunk.
Then two update passes: the same file again (every person unchanged: nothing is written for
them) and the file with 1 % of the rows changed (a new first name: those get a new version and
an event). Afterwards the people, consent, projection and outbox rows are counted and checked
against what the reports say was created and updated. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from contacts.imports.service import importing
from contacts.tables import topics
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.entrypoints import migrate
from tests.conftest import truncate_all

MAPPING = {
    "Sähköposti": "email",
    "Etunimi": "first_name",
    "Sukunimi": "last_name",
    "Kieli": "language",
    "Kunta": "municipality",
    "Aiheet": "topics",
}
TOPICS = ("webinaarit", "koulutukset")
CHANGED_EVERY = 100  # the update pass changes 1 % of the rows
BASIS = "Benchmark: existing customer relationship, documented in the 2026 register"


def units(engine: AsyncEngine) -> importing.UnitsOfWork:
    """A unit of work per chunk, on this engine."""
    return lambda: SqlContactsUnitOfWork(engine)


def generate(rows: int, *, changed_every: int = 0) -> bytes:
    """The bench's file; with `changed_every` = n, every n-th person has a new first name."""
    lines = [",".join(MAPPING)]
    for i in range(rows):
        municipality = ("091", "049", "853")[i % 3] if i % 3 == 0 else ""
        chosen = ";".join(TOPICS) if i % 2 else ""
        language = ("fi", "sv", "en")[i % 3]
        first = f"Uusi{i}" if changed_every and i % changed_every == 0 else f"Etu{i}"
        lines.append(f"person{i}@example.fi,{first},Suku{i},{language},{municipality},{chosen}")
    return ("\n".join(lines) + "\n").encode()


def server_cpu(port: int | None) -> Callable[[], float] | None:
    """Seconds of CPU the database server has used so far (postmaster, its live children and
    the children it reaped), when it runs on this machine with its socket lock file in
    /var/run/postgresql and /proc shows it; else None. Under a shared machine's load, CPU
    per row varies far less than rows per second."""
    try:
        lock = Path(f"/var/run/postgresql/.s.PGSQL.{port or 5432}.lock").read_text()
        pid = int(lock.split()[0])
    except (OSError, ValueError, IndexError):
        return None
    tick = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ppid, own = int(fields[1]), int(fields[11]) + int(fields[12])
            if int(stat.parent.name) == pid:
                total += own + int(fields[13]) + int(fields[14])  # its reaped children too
            elif ppid == pid:
                total += own
        return total / tick

    return used


async def run(rows: int, chunk: int) -> dict[str, float]:
    engine = make_engine(os.environ["CONTACTS_DATABASE_URL"], pool_size=2)
    await truncate_all(engine)
    server = server_cpu(engine.url.port)
    async with engine.begin() as conn:  # truncate_all empties the seeded topics too
        await conn.execute(
            insert(topics),
            [{"key": k, "name_fi": k, "name_sv": k, "name_en": k} for k in TOPICS],
        )
    files = {
        "first": generate(rows),
        "again": generate(rows),
        "changed": generate(rows, changed_every=CHANGED_EVERY),
    }
    numbers: dict[str, float] = {
        "rows": rows,
        "chunk": chunk,
        "csv_mb": round(len(files["first"]) / 1e6, 1),
    }
    created = updated = 0
    try:
        for label, data in files.items():
            server_before = server() if server else 0.0
            client_before = time.process_time()
            started = time.perf_counter()
            table = importing.read_table(data, "bench.csv")
            report = await importing.import_people(
                units(engine), table, MAPPING, basis=BASIS, subscribe=True, chunk=chunk
            )
            elapsed = time.perf_counter() - started
            client = time.process_time() - client_before
            assert report.good == rows, report
            numbers[f"{label}_client_cpu_us_per_row"] = round(client / rows * 1e6)
            if server:
                spent = server() - server_before
                numbers[f"{label}_server_cpu_us_per_row"] = round(spent / rows * 1e6)
            numbers[f"{label}_seconds"] = round(elapsed, 2)
            numbers[f"{label}_rows_per_s"] = round(rows / elapsed)
            numbers[f"{label}_updated"] = report.updated
            numbers[f"{label}_unchanged"] = getattr(report, "unchanged", 0)  # older code: none
            created += report.created
            updated += report.updated
        # Where the time goes: the checks alone (no database writes).
        started = time.perf_counter()
        await importing.check(
            SqlContactsUnitOfWork(engine), table, MAPPING, basis=BASIS, subscribe=True
        )
        numbers["check_only_rows_per_s"] = round(rows / (time.perf_counter() - started))
        async with engine.connect() as conn:
            for name in ("people", "consent_log", "contact_snapshot", "outbox"):
                count = (await conn.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one()
                numbers[f"{name}_rows"] = count
            versions = await conn.execute(
                text(
                    "SELECT count(*) FROM people p JOIN contact_snapshot s ON s.contact_id = p.id"
                    " WHERE s.version = p.version"
                )
            )
            numbers["projection_current"] = versions.scalar_one()
    finally:
        await engine.dispose()
    # Every person, both consents of each, one projection row each at the person's version,
    # one event per person created or updated: nothing lost, nothing twice.
    assert created == rows, created
    expected = {
        "people_rows": rows,
        "consent_log_rows": 2 * rows,
        "contact_snapshot_rows": rows,
        "projection_current": rows,
        "outbox_rows": created + updated,
    }
    assert {k: numbers[k] for k in expected} == expected, numbers
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=importing.CHUNK)
    args = parser.parse_args()
    url = os.environ["CONTACTS_DATABASE_URL"]
    migrate(Path(__file__).resolve().parents[1] / "services/contacts/migrations", url)
    print(json.dumps(asyncio.run(run(args.rows, args.chunk))))


if __name__ == "__main__":
    main()
