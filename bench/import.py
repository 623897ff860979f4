"""Benchmark: importing 100,000 people from a generated CSV into contacts' database.

Against the stack in the environment (`deploy/bin/with-test-env.sh .venv/bin/python
bench/import.py`): migrates contacts' database, empties it, writes a CSV (a third of the rows
with a municipality, topics on half), then times `importing.import_people` end to end: parse,
check every row, upsert, consent log, projection and outbox, committed chunk by chunk.
A second run over the same file measures the re-import (every row an update).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from contacts.imports.service import importing
from contacts.tables import topics
from sqlalchemy import insert, text

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
BASIS = "Benchmark: existing customer relationship, documented in the 2026 register"


def generate(rows: int) -> bytes:
    lines = [",".join(MAPPING)]
    for i in range(rows):
        municipality = ("091", "049", "853")[i % 3] if i % 3 == 0 else ""
        chosen = ";".join(TOPICS) if i % 2 else ""
        language = ("fi", "sv", "en")[i % 3]
        lines.append(f"person{i}@example.fi,Etu{i},Suku{i},{language},{municipality},{chosen}")
    return ("\n".join(lines) + "\n").encode()


async def run(rows: int, chunk: int) -> dict[str, float]:
    engine = make_engine(os.environ["CONTACTS_DATABASE_URL"], pool_size=2)
    await truncate_all(engine)
    async with engine.begin() as conn:  # truncate_all empties the seeded topics too
        await conn.execute(
            insert(topics),
            [{"key": k, "name_fi": k, "name_sv": k, "name_en": k} for k in TOPICS],
        )
    data = generate(rows)
    numbers: dict[str, float] = {"rows": rows, "chunk": chunk, "csv_mb": round(len(data) / 1e6, 1)}
    try:
        for label in ("first", "again"):
            started = time.perf_counter()
            table = importing.read_table(data, "bench.csv")
            report = await importing.import_people(
                engine, table, MAPPING, basis=BASIS, subscribe=True, chunk=chunk
            )
            elapsed = time.perf_counter() - started
            assert report.good == rows, report
            numbers[f"{label}_seconds"] = round(elapsed, 2)
            numbers[f"{label}_rows_per_s"] = round(rows / elapsed)
        # Where the time goes: the checks alone (no database writes).
        started = time.perf_counter()
        await importing.check(engine, table, MAPPING, basis=BASIS, subscribe=True)
        numbers["check_only_rows_per_s"] = round(rows / (time.perf_counter() - started))
        async with engine.connect() as conn:
            for name in ("people", "consent_log", "contact_snapshot", "outbox"):
                count = (await conn.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one()
                numbers[f"{name}_rows"] = count
    finally:
        await engine.dispose()
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
