"""Importing people from CSV/XLSX through the staff API, and exporting views back out."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from contacts.app import create_app
from contacts.settings import ContactsSettings
from openpyxl import Workbook, load_workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.topics import CONTACT_SNAPSHOTS
from tests.integration import test_contacts_signup_pages as signup_pages

own_contacts_db = signup_pages.own_contacts_db
settings = signup_pages.settings
engine = signup_pages.engine

EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor"}
BASIS = "Partner register 2025, legitimate interest, art. 6(1)(f) GDPR"
MAPPING = {"Sähköposti": "email", "Etunimi": "first_name", "Kunta": "municipality"}
BROKEN = (
    "Sähköposti,Etunimi,Kunta\n"
    "anna@example.fi,Anna,091\n"  # row 2: good
    "not-an-address,Bad,091\n"  # row 3: invalid email
    "bertil@example.fi,Bertil,999\n"  # row 4: unknown municipality
    "ANNA@example.fi,Anna again,\n"  # row 5: duplicate of row 2
    "\n"  # row 6: blank, skipped
    "carl@example.fi,Carl,\n"  # row 7: good
)


@pytest.fixture
async def api(engine: AsyncEngine, settings: ContactsSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://contacts", headers=EDITOR
        ) as client,
    ):
        yield client


async def upload(
    api: httpx.AsyncClient, content: bytes, *, name: str = "people.csv", **form: Any
) -> httpx.Response:
    data = {"mapping": json.dumps(form.pop("mapping", MAPPING)), **form}
    return await api.post("/api/contacts/imports", files={"file": (name, content)}, data=data)


async def scalar(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar_one()


async def test_dry_run_reports_each_bad_row_and_stores_nothing(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    response = await upload(api, BROKEN.encode(), basis=BASIS, subscribe="true")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["good"], report["bad_rows"]) == (5, 2, 3)
    assert [(p["row"], p["field"]) for p in report["problems"]] == [
        (3, "email"),
        (4, "municipality"),
        (5, "email"),
    ]
    assert "Duplicate in the file" in report["problems"][2]["reason"]
    assert "row 2" in report["problems"][2]["reason"]
    assert await scalar(engine, "SELECT count(*) FROM people") == 0


async def test_import_stores_only_good_rows_with_consent_basis_and_snapshots(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    form = {"basis": BASIS, "subscribe": "true", "dry_run": "false"}
    response = await upload(api, BROKEN.encode(), **form)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["bad_rows"]) == (2, 3)
    async with engine.connect() as conn:
        people = (
            await conn.execute(text("SELECT email, subscription_state FROM people ORDER BY email"))
        ).all()
        consents = (
            await conn.execute(text("SELECT purpose, method, basis, given FROM consent_log"))
        ).all()
        snapshots = (
            await conn.execute(
                text("SELECT count(*) FROM outbox WHERE topic = :t"), {"t": CONTACT_SNAPSHOTS.name}
            )
        ).scalar_one()
        projected, confirmed = (
            await conn.execute(
                text(
                    "SELECT region, confirmed_at IS NOT NULL FROM contact_snapshot"
                    " WHERE email = 'anna@example.fi'"
                )
            )
        ).one()
    assert people == [("anna@example.fi", "subscribed"), ("carl@example.fi", "subscribed")]
    # The documented basis stands in for the double opt-in: the person can be in audiences.
    assert confirmed is True
    assert sorted(consents) == sorted(
        [(p, "import", BASIS, True) for p in ("newsletter", "surveys")] * 2
    )
    assert snapshots == 2
    assert projected == "01"  # Helsinki's region, from the classification


async def test_reimport_updates_names_without_duplicates_or_new_consents(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    form = {"basis": BASIS, "subscribe": "true", "dry_run": "false"}
    assert (await upload(api, BROKEN.encode(), **form)).status_code == 200
    again = "Sähköposti,Etunimi,Kunta\nAnna@Example.fi,Annika,\n".encode()
    report = (await upload(api, again, **form)).json()
    assert (report["created"], report["updated"], report["consents_given"]) == (0, 1, 0)
    async with engine.connect() as conn:
        anna = (
            await conn.execute(
                text(
                    "SELECT first_name, municipality, version FROM people "
                    "WHERE email = 'anna@example.fi'"
                )
            )
        ).one()
    assert tuple(anna) == ("Annika", "091", 2)  # an empty cell keeps the stored municipality
    assert await scalar(engine, "SELECT count(*) FROM people") == 2
    assert await scalar(engine, "SELECT count(*) FROM consent_log") == 4
    assert await scalar(engine, "SELECT max(version) FROM contact_snapshot") == 2


async def test_subscribers_cannot_be_imported_without_a_basis(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    response = await upload(api, BROKEN.encode(), subscribe="true", dry_run="false")
    assert response.status_code == 422
    assert response.json()["field"] == "basis"
    assert await scalar(engine, "SELECT count(*) FROM people") == 0


async def test_xlsx_import_and_export_round_trip(api: httpx.AsyncClient) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Sähköposti", "Etunimi", "Kunta"])
    sheet.append(["dora@example.fi", "Dora", 49])  # a number cell, as spreadsheets store codes
    sheet.append(["eino@example.fi", "Eino", "091"])
    out = io.BytesIO()
    book.save(out)
    form = {"basis": BASIS, "subscribe": "true", "dry_run": "false"}
    response = await upload(api, out.getvalue(), name="people.xlsx", **form)
    assert response.json()["created"] == 2, response.text

    csv_export = await api.get("/api/contacts/exports/people.csv", params={"region": "01"})
    assert csv_export.status_code == 200
    assert csv_export.headers["content-type"].startswith("text/csv")
    xlsx_export = await api.get("/api/contacts/exports/people.xlsx")
    exported_sheet = load_workbook(io.BytesIO(xlsx_export.content)).active
    assert exported_sheet is not None
    rows = list(exported_sheet.iter_rows(values_only=True))
    assert rows[0][0] == "email"
    assert {r[0] for r in rows[1:]} == {"dora@example.fi", "eino@example.fi"}

    # The exported CSV imports back with the identity mapping and changes nobody.
    identity = {c: c for c in ("email", "first_name", "last_name", "municipality", "topics")}
    back = await upload(api, csv_export.content, mapping=identity, **form)
    assert back.status_code == 200, back.text
    assert (back.json()["rows"], back.json()["bad_rows"], back.json()["created"]) == (2, 0, 0)
    exported = csv_export.content.decode("utf-8-sig").splitlines()
    assert len(exported) == 3  # header + both people of region 01 (Espoo 049, Helsinki 091)
