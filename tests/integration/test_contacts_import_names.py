"""Importing real spreadsheets through the staff pages: names instead of codes, organisations
matched or created, the rejected rows shown and downloaded, fixed and imported again; and the
rejected rows forgotten by an erasure and by the jobs' retention."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from contacts.jobs.service import jobs
from contacts.retention.service import run_retention
from contacts.settings import ContactsSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from openpyxl import Workbook, load_workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_contacts_import_page import scalar, selected, upload
from tests.support.units import units

EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor"}
HEADER = [
    "Sähköposti",
    "Etunimi",
    "Sukunimi",
    "Kunta",
    "Maakunta",
    "Organisaatio",
    "Y-tunnus",
    "Puhelin",
    "Jäsenyys",
    "Tunnisteet",
    "Aiheet",
    "Kieli",
]
ROWS = [
    # row 2: Swedish names, an existing organisation by name in another letter case
    [
        "anna@example.fi",
        "Anna",
        "Aalto",
        "Helsingfors",
        "Nyland",
        "HELMET-kirjastot",
        "",
        "040 123 4567",
        "jäsen",
        "VIP; puhuja",
        "Webinaarit",
        "ruotsi",
    ],
    # row 3: a near miss of Helsinki
    ["bertil@example.fi", "Bertil", "Berg", "Helsinkki", "", "", "", "", "", "", "", ""],
    # row 4: a new organisation, created with the row's municipality
    [
        "carl@example.fi",
        "Carl",
        "Corp",
        "Tampere",
        "",
        "Uusi yhdistys ry",
        "2345678-0",
        "+358 50 765 4321",
        "member",
        "",
        "",
        "suomi",
    ],
    # row 5: the new organisation again, by its business ID alone; a bad phone
    ["dora@example.fi", "Dora", "Dahl", "", "", "", "2345678-0", "12ab", "", "", "", ""],
    # row 6: an existing organisation by business ID; an unknown membership state
    ["eino@example.fi", "Eino", "Esko", "091", "01", "", "0201256-6", "", "membr", "", "", ""],
]
FIXES = {"bertil@example.fi": ("Kunta", "Helsinki"), "dora@example.fi": ("Puhelin", "040 555 0101"),
         "eino@example.fi": ("Jäsenyys", "aktiivinen")}  # fmt: skip


def csv_file(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([header, *rows])
    return out.getvalue().encode()


def xlsx_file(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def import_file(
    api: httpx.AsyncClient, engine: AsyncEngine, content: bytes, name: str, lang: str = "en"
) -> tuple[str, httpx.Response]:
    """Upload, keep the guessed mapping, dry-run, start, run the job: (job page, dry run)."""
    page_url = await upload(api, content, name)
    mapping = await api.get(page_url, params={"lang": lang})
    form = {f"col-{i}": f for i, f in enumerate(selected(mapping.text))}
    dry = await api.post(page_url, params={"lang": lang}, data={**form, "step": "check"})
    assert dry.status_code == 200, dry.text
    started = await api.post(page_url, data={**form, "step": "start"})
    assert started.status_code == 303, started.text
    assert await jobs.run_next(units(engine), jobs.JobSettings()) is not None
    return started.headers["location"], dry


def rejected_rows(page: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<tr><th scope="row">(\d+)</th>.*?<td class="row-error">([^<]*)</td></tr>', page
    )


def fixed(rows: list[list[str]], header: list[str]) -> list[list[str]]:
    """The rejected file's rows with the staff's fixes, without the error column."""
    out = []
    for row in rows:
        cells = dict(zip(header, row, strict=False))
        column, value = FIXES[cells["Sähköposti"]]
        cells[column] = value
        out.append([cells[h] for h in HEADER])
    return out


async def people(engine: AsyncEngine) -> dict[str, dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT p.email, p.municipality, p.language, p.phone, p.tags, p.topics,"
                " m.state AS membership, o.name AS organisation, o.municipality AS org_place"
                " FROM people p LEFT JOIN memberships m ON m.person_id = p.id"
                " LEFT JOIN person_organisations l ON l.person_id = p.id"
                " LEFT JOIN organisations o ON o.id = l.organisation_id"
            )
        )
        return {r.email: dict(r._mapping) for r in rows}


async def test_a_csv_with_names_imports_and_its_rejected_rows_come_back_to_fix(
    engine: AsyncEngine, api: httpx.AsyncClient, register: None
) -> None:
    job_url, dry = await import_file(api, engine, csv_file(ROWS), "verkosto.csv")
    # The dry run already shows the rejected rows as the file has them, and the organisations.
    assert [row for row, _ in rejected_rows(dry.text)] == ["3", "5", "6"]
    assert "Did you mean Helsinki?" in dry.text and "<td>Helsinkki</td>" in dry.text
    assert re.search(r'id="orgs-matched">1<', dry.text)
    assert re.search(r'id="orgs-created">1<', dry.text) and "Uusi yhdistys ry" in dry.text

    stored = await people(engine)
    assert set(stored) == {"anna@example.fi", "carl@example.fi"}
    anna, carl = stored["anna@example.fi"], stored["carl@example.fi"]
    assert (anna["municipality"], anna["language"], anna["phone"]) == ("091", "sv", "+358401234567")
    assert (anna["membership"], anna["organisation"]) == ("active", "Helmet-kirjastot")
    assert sorted(anna["tags"]) == ["VIP", "puhuja"] and anna["topics"] == ["webinaarit"]
    assert (carl["organisation"], carl["org_place"]) == ("Uusi yhdistys ry", "837")
    assert (
        await scalar(
            engine, "SELECT business_id FROM organisations WHERE name = 'Uusi yhdistys ry'"
        )
        == "2345678-0"
    )
    assert (
        await scalar(engine, "SELECT count(*) FROM audit_log WHERE action = 'organisation.created'")
        == 1
    )
    projected = await scalar(
        engine, "SELECT organisation_name FROM contact_snapshot WHERE email = 'carl@example.fi'"
    )
    assert projected == "Uusi yhdistys ry"  # the snapshot carries the new link

    page = await api.get(job_url, params={"lang": "fi"})
    assert page.status_code == 200
    shown = dict(rejected_rows(page.text))
    assert list(shown) == ["3", "5", "6"]
    assert shown["3"] == "Kunta: Tuntematon kunta ”Helsinkki”. Tarkoititko: Helsinki?"
    assert shown["5"] == "Puhelin: Puhelinnumerossa ei saa olla kirjaimia."
    assert shown["6"].startswith("Jäsenyys: Tuntematon jäsenyyden tila ”membr”.")
    assert "<td>12ab</td>" in page.text  # the original values
    assert re.search(r'id="orgs-created">1<', page.text)
    english = await api.get(job_url, params={"lang": "en"})
    assert "Municipality: Unknown municipality “Helsinkki”. Did you mean Helsinki?" in english.text

    download = await api.get(
        f"/staff/imports/jobs/{job_url.rsplit('/', 1)[1]}/rejected.csv?lang=fi"
    )
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    [header, *rows] = list(
        csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";")
    )
    assert header == [*HEADER, "Virhe"]
    assert [r[0] for r in rows] == ["bertil@example.fi", "dora@example.fi", "eino@example.fi"]
    assert rows[0][-1].startswith("Kunta: Tuntematon kunta")
    assert (
        await scalar(
            engine,
            "SELECT count(*) FROM audit_log WHERE action = 'people.import_rejected_exported'",
        )
        == 1
    )

    # Fixed in the file (the error column left in), uploaded again: it imports cleanly.
    errors = [row[-1] for row in rows]
    again = csv_file(
        [[*r, e] for r, e in zip(fixed(rows, header), errors, strict=True)], [*HEADER, "Virhe"]
    )
    second_url, second_dry = await import_file(api, engine, again, "korjattu.csv")
    assert re.search(r'id="report-bad">0<', second_dry.text), rejected_rows(second_dry.text)
    job = await jobs.get_job(SqlContactsUnitOfWork(engine), uuid.UUID(second_url.rsplit("/", 1)[1]))
    assert (job.state, job.done_count, job.failed_count) == ("done", 3, 0)
    stored = await people(engine)
    assert len(stored) == 5
    assert stored["bertil@example.fi"]["municipality"] == "091"
    assert stored["dora@example.fi"]["organisation"] == "Uusi yhdistys ry"  # by business ID
    assert stored["eino@example.fi"]["membership"] == "active"
    assert await scalar(engine, "SELECT count(*) FROM organisations") == 2  # none created twice


async def test_an_xlsx_with_names_and_its_rejected_rows_as_xlsx_round_trip(
    engine: AsyncEngine, api: httpx.AsyncClient, register: None
) -> None:
    rows: list[list[Any]] = [list(r) for r in ROWS]
    rows[4][3] = 91  # a code typed as a number loses its zero
    job_url, _ = await import_file(api, engine, xlsx_file(rows), "verkosto.xlsx")
    job_id = job_url.rsplit("/", 1)[1]
    download = await api.get(f"/staff/imports/jobs/{job_id}/rejected.xlsx?lang=en")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    [header, *found] = [
        ["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)
    ]
    assert header == [*HEADER, "Error"]
    assert [r[0] for r in found] == ["bertil@example.fi", "dora@example.fi", "eino@example.fi"]
    assert found[1][-1] == "Phone: Phone number must not contain letters."

    second_url, dry = await import_file(api, engine, xlsx_file(fixed(found, header)), "fixed.xlsx")
    assert re.search(r'id="report-bad">0<', dry.text), rejected_rows(dry.text)
    job = await jobs.get_job(SqlContactsUnitOfWork(engine), uuid.UUID(second_url.rsplit("/", 1)[1]))
    assert (job.done_count, job.failed_count) == (3, 0)
    assert len(await people(engine)) == 5
    assert (await people(engine))["eino@example.fi"]["municipality"] == "091"
    # A viewer sees the result but may not download personal data.
    viewer = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer"}
    assert (await api.get(job_url, headers=viewer)).status_code == 200
    refused = await api.get(f"/staff/imports/jobs/{job_id}/rejected.xlsx", headers=viewer)
    assert refused.status_code == 403


async def test_rejected_rows_go_with_an_erased_person_and_with_their_job(
    engine: AsyncEngine, api: httpx.AsyncClient, register: None, settings: ContactsSettings
) -> None:
    # Eino is in the register already; his row in the file is rejected.
    made = await api.post(
        "/api/contacts/people",
        json={"email": "eino@example.fi", "first_name": "Eino", "last_name": "Esko"},
    )
    assert made.status_code == 201, made.text
    job_url, _ = await import_file(api, engine, csv_file(ROWS), "verkosto.csv")
    assert await scalar(engine, "SELECT count(*) FROM import_rejected_rows") == 3
    gone = await api.delete(f"/api/contacts/people/{made.json()['id']}")
    assert gone.status_code == 204
    left = await scalar(
        engine, "SELECT string_agg(row::text, ',' ORDER BY row) FROM import_rejected_rows"
    )
    assert left == "3,5"  # Eino's row (row 6) went with him
    assert (
        await scalar(
            engine, "SELECT count(*) FROM import_rejected_rows WHERE cells::text ILIKE '%eino%'"
        )
        == 0
    )

    # The jobs' retention deletes a finished job with everything it holds.
    later = datetime.now(UTC) + timedelta(days=settings.retention_job_days + 1)
    report = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=False, now=later)
    assert uuid.UUID(job_url.rsplit("/", 1)[1]) in report.job_ids
    assert await scalar(engine, "SELECT count(*) FROM import_rejected_rows") == 0
