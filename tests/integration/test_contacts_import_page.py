"""The staff import page: upload, mapping guessed from the header, dry run, the import job."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from contacts.jobs.service import jobs
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.units import units

EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "Accept-Language": "en"}
VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer"}
FINNISH = (
    "Sähköposti;Etunimi;Sukunimi;Kunta;Huomautus\n"
    "anna@example.fi;Anna;Aalto;091;vip\n"  # row 2: good
    "ei-osoite;Bad;Row;091;\n"  # row 3: invalid email
    "bertil@example.fi;Bertil;Berg;999;\n"  # row 4: unknown municipality
    "ANNA@example.fi;Anna;Toinen;;\n"  # row 5: duplicate of row 2
    "carl@example.fi;Carl;Corp;049;\n"  # row 6: good
)


@pytest.fixture
def api(api: httpx.AsyncClient) -> httpx.AsyncClient:
    """The plugin's editor client, asking for the pages in English."""
    api.headers.update(EDITOR)
    return api


async def scalar(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar()


async def upload(api: httpx.AsyncClient, content: bytes, name: str = "people.csv") -> str:
    sent = await api.post("/staff/imports", files={"file": (name, content)})
    assert sent.status_code == 303, sent.text
    location: str = sent.headers["location"]
    assert re.fullmatch(r"/staff/imports/[0-9a-f-]{36}", location)
    return location


def selected(page: str) -> list[str]:
    """The chosen field of each column's <select>, in column order ("" = ignore)."""
    chosen = []
    for body in re.findall(r'<select id="col-\d+" name="col-\d+"[^>]*>(.*?)</select>', page, re.S):
        found = re.search(r'<option value="(\w*)" selected>', body)
        chosen.append(found.group(1) if found else "")
    return chosen


async def test_finnish_file_is_mapped_checked_and_imported_as_a_job(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    page_url = await upload(api, FINNISH.encode())
    assert await scalar(engine, "SELECT count(*) FROM import_uploads") == 1

    mapping = await api.get(page_url)
    assert mapping.status_code == 200
    guessed = selected(mapping.text)
    assert guessed == ["email", "first_name", "last_name", "municipality", ""]
    preview = mapping.text.split('id="preview"', 1)[1].split("</table>", 1)[0]
    assert preview.count("<tr>") == 6  # header + the 5 rows
    assert "anna@example.fi" in preview and "vip" not in preview  # an ignored column

    form = {f"col-{i}": field for i, field in enumerate(guessed)}
    dry = await api.post(page_url, data={**form, "step": "check"})
    assert dry.status_code == 200, dry.text
    assert re.search(r'id="report-rows">5<', dry.text)
    assert re.search(r'id="report-good">2<', dry.text)
    assert re.search(r'id="report-bad">3<', dry.text)
    problems = re.findall(
        r'<tr><th scope="row">(\d+)</th>.*?<td class="row-error">([^:<]*): ([^<]*)</td></tr>',
        dry.text,
    )
    assert [(row, field) for row, field, _ in problems] == [
        ("3", "Email address"),
        ("4", "Municipality"),
        ("5", "Email address"),
    ]
    assert "Duplicate in the file" in problems[2][2]
    assert "<td>ei-osoite</td>" in dry.text  # the rejected row as the file has it
    assert await scalar(engine, "SELECT count(*) FROM people") == 0  # a dry run stores nothing

    started = await api.post(page_url, data={**form, "step": "start"})
    assert started.status_code == 303
    job_url = started.headers["location"]
    assert job_url.startswith("/staff/jobs/")
    assert await scalar(engine, "SELECT count(*) FROM import_uploads") == 0  # the job has it
    assert (await api.get(page_url)).status_code == 404  # started once, not twice

    assert await jobs.run_next(units(engine), jobs.JobSettings()) is not None  # the worker's runner
    job = await jobs.get_job(SqlContactsUnitOfWork(engine), uuid.UUID(job_url.rsplit("/", 1)[1]))
    assert (job.state, job.total, job.done_count, job.failed_count) == ("done", 5, 2, 3)
    imported = await scalar(
        engine, "SELECT string_agg(email || ':' || municipality, ',' ORDER BY email) FROM people"
    )
    assert imported == "anna@example.fi:091,carl@example.fi:049"
    assert "<progress" in (await api.get(job_url)).text


async def test_subscribing_without_a_consent_basis_is_refused_with_an_error_summary(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    page_url = await upload(api, FINNISH.encode())
    form = {"col-0": "email", "subscribe": "1", "basis": "ok"}
    refused = await api.post(page_url, data={**form, "step": "start"})
    assert refused.status_code == 422
    assert 'class="error-summary"' in refused.text and 'href="#basis"' in refused.text
    assert 'aria-invalid="true"' in refused.text.split('id="basis"', 1)[1][:200]
    assert 'name="subscribe" value="1" checked' in refused.text  # the choice is kept
    assert await scalar(engine, "SELECT count(*) FROM jobs") == 0

    no_email = await api.post(page_url + "?lang=fi", data={"col-1": "first_name", "step": "check"})
    assert no_email.status_code == 422 and 'href="#col-0"' in no_email.text
    assert "Valitse sarake, jossa on sähköpostiosoite." in no_email.text


async def test_a_file_that_is_not_csv_or_xlsx_gets_a_clear_422_page(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    pdf = await api.post("/staff/imports", files={"file": ("people.pdf", b"%PDF-1.4")})
    assert pdf.status_code == 422
    assert "text/html" in pdf.headers["content-type"]
    assert 'href="#file"' in pdf.text and "The file must be .csv or .xlsx." in pdf.text

    broken = await api.post(
        "/staff/imports?lang=fi", files={"file": ("people.xlsx", b"not a workbook")}
    )
    assert broken.status_code == 422 and "XLSX-tiedostoa ei voi lukea." in broken.text
    assert await scalar(engine, "SELECT count(*) FROM import_uploads") == 0


async def test_a_viewer_may_not_import(api: httpx.AsyncClient) -> None:
    assert (await api.get("/staff/imports", headers=VIEWER)).status_code == 403
    sent = await api.post(
        "/staff/imports", headers=VIEWER, files={"file": ("people.csv", FINNISH.encode())}
    )
    assert sent.status_code == 403
    assert "/staff/imports" in (await api.get("/staff/jobs")).text  # linked for editors
