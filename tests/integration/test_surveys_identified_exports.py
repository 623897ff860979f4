"""Exports say who answered an identified campaign (name, email, organisation from the
contact replica, as LimeSurvey's token table does); an anonymous campaign's never, and
nothing in them joins a row to a person."""

from __future__ import annotations

import csv
import io
from datetime import date

import httpx
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import responses

from tests.integration import test_surveys_staff_pages as staff_pages
from tests.support.surveys import add_people, person

IDENTITY = {"name", "email", "organisation"}


async def test_an_identified_campaigns_exports_name_email_and_organisation(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    seeded = await staff_pages.seed_campaign(engine)
    aino = person(first_name="Aino", last_name="Virtanen", organisation_name="Kirjasto Oy")
    erased = person(erased=True, email=None, organisation_name=None)
    aino["erased"] = False
    await add_people(engine, [aino, erased])
    async with engine.begin() as conn:
        ids = (
            (
                await conn.execute(
                    select(responses.c.id)
                    .where(responses.c.campaign_id == seeded["campaign_id"])
                    .order_by(responses.c.submitted_on, responses.c.id)
                )
            )
            .scalars()
            .all()
        )
        await conn.execute(
            update(responses).where(responses.c.id == ids[0]).values(contact_id=aino["contact_id"])
        )
        await conn.execute(
            update(responses)
            .where(responses.c.id == ids[1])
            .values(contact_id=erased["contact_id"])
        )
    got = await staff_client.get(f"/api/surveys/campaigns/{seeded['campaign_id']}/responses.csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert set(rows[0]) >= IDENTITY
    first = rows[0]
    assert (first["name"], first["email"], first["organisation"]) == (
        "Aino Virtanen",
        aino["email"],
        "Kirjasto Oy",
    )
    assert (rows[1]["name"], rows[1]["email"]) == ("", "")  # an erased person stays unnamed
    book = await staff_client.get(
        f"/surveys/staff/campaigns/{seeded['campaign_id']}/responses.xlsx"
    )
    sheet = load_workbook(io.BytesIO(book.content))["responses"]
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    assert values[1][header.index("email")] == aino["email"]
    codebook = {
        r[0]
        for r in load_workbook(io.BytesIO(book.content))["codebook"].iter_rows(values_only=True)
    }
    assert codebook >= IDENTITY


async def test_an_anonymous_campaigns_exports_have_no_personal_column_and_nothing_to_join(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    seeded = await staff_pages.seed_campaign(engine, mode="anonymous")
    # Even a response row that (wrongly) carried a person is exported without them.
    someone = person(first_name="Salainen", organisation_name="Piilo ry")
    await add_people(engine, [someone])
    async with engine.begin() as conn:
        await conn.execute(
            update(responses)
            .where(responses.c.campaign_id == seeded["campaign_id"])
            .values(contact_id=someone["contact_id"])
        )
    got = await staff_client.get(f"/api/surveys/campaigns/{seeded['campaign_id']}/responses.csv")
    text = got.text
    header = next(csv.reader(io.StringIO(text)))
    assert not IDENTITY & set(header)
    assert header[:2] == ["respondent", "submitted_on"]
    assert not {"contact_id", "invitation_id", "token", "submitted_at"} & set(header)
    assert someone["email"] not in text and "Salainen" not in text and "Piilo" not in text
    assert str(someone["contact_id"]) not in text
    book = await staff_client.get(
        f"/surveys/staff/campaigns/{seeded['campaign_id']}/responses.xlsx"
    )
    workbook = load_workbook(io.BytesIO(book.content))
    cells = {
        str(c) for ws in workbook.worksheets for r in ws.iter_rows(values_only=True) for c in r
    }
    assert not IDENTITY & cells and someone["email"] not in cells
    # Respondents are numbered 1..n, the only key; the day is all the time there is.
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [r["respondent"] for r in exported] == [str(n) for n in range(1, len(exported) + 1)]
    assert {r["submitted_on"] for r in exported} == {date.today().isoformat()}
