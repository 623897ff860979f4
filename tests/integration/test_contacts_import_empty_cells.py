"""Importing a file again: an empty cell means "no change" for a known person, never a default.

Each optional column is swept: a person is imported with every column filled, then the same
row is imported again with that one cell empty. The stored value must stay as it was, and
nothing about the person may change (no new version, the report counts them unchanged).
"""

from __future__ import annotations

from typing import Any

import pytest
from contacts.imports.service import importing
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

COLUMNS = {
    "Sähköposti": "email",
    "Etunimi": "first_name",
    "Sukunimi": "last_name",
    "Kieli": "language",
    "Titteli": "title",
    "Puhelin": "phone",
    "Kunta": "municipality",
    "Maakunta": "region",
    "Organisaatio": "organisation",
    "Y-tunnus": "business_id",
    "Jäsenyys": "membership",
    "Tunnisteet": "tags",
    "Aiheet": "topics",
}
FULL = {
    "Sähköposti": "saara@example.fi",
    "Etunimi": "Saara",
    "Sukunimi": "Salo",
    "Kieli": "ruotsi",  # stored as "sv": not the default a new person gets
    "Titteli": "Kirjastonhoitaja",
    "Puhelin": "040 123 4567",
    "Kunta": "Helsinki",
    "Maakunta": "Uusimaa",
    "Organisaatio": "Helmet-kirjastot",
    "Y-tunnus": "0201256-6",
    "Jäsenyys": "jäsen",
    "Tunnisteet": "VIP",
    "Aiheet": "Webinaarit",
}
# What is stored of the person, read back after each import.
STORED = (
    "SELECT p.first_name, p.last_name, p.language, p.title, p.phone, p.municipality, p.tags,"
    " p.topics, p.version, m.state AS membership,"
    " (SELECT count(*) FROM person_organisations l"
    "   WHERE l.person_id = p.id AND l.end_date IS NULL) AS open_links"
    " FROM people p LEFT JOIN memberships m ON m.person_id = p.id"
    " WHERE p.email = 'saara@example.fi'"
)


def table(cells: dict[str, str]) -> importing.Table:
    return importing.Table(tuple(COLUMNS), [dict(cells)])


async def stored(engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as conn:
        return dict((await conn.execute(text(STORED))).one()._mapping)


async def run_import(engine: AsyncEngine, cells: dict[str, str]) -> importing.Report:
    return await importing.import_people(
        lambda: SqlContactsUnitOfWork(engine), table(cells), COLUMNS, basis=None, subscribe=False
    )


@pytest.mark.parametrize(
    "column", [c for c in COLUMNS if c != "Sähköposti"], ids=lambda c: COLUMNS[c]
)
async def test_an_empty_cell_keeps_what_is_stored(
    engine: AsyncEngine, register: None, column: str
) -> None:
    first = await run_import(engine, FULL)
    assert first.created == 1
    before = await stored(engine)
    assert before["language"] == "sv"
    assert (before["membership"], before["open_links"]) == ("active", 1)

    emptied = dict(FULL)
    emptied[column] = ""
    if column == "Organisaatio":
        emptied["Y-tunnus"] = ""  # the business ID alone would name the organisation
    again = await run_import(engine, emptied)

    assert await stored(engine) == before
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


async def test_a_new_person_without_a_language_gets_finnish(engine: AsyncEngine) -> None:
    cells = {c: "" for c in COLUMNS} | {"Sähköposti": "saara@example.fi"}
    report = await run_import(engine, cells)
    assert report.created == 1
    assert (await stored(engine))["language"] == "fi"
