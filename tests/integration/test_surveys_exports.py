"""Exports of a campaign: XLSX of responses with a codebook, open data of aggregates only."""

from __future__ import annotations

import csv
import io

import httpx
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration import test_surveys_staff_pages as staff_pages

seed_campaign = staff_pages.seed_campaign


async def test_xlsx_has_responses_as_numbers_and_a_codebook(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"])
    got = await staff_client.get(f"/surveys/staff/campaigns/{seeded['campaign_id']}/responses.xlsx")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["responses", "codebook"]
    rows = list(book["responses"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("respondent", "name", "email", "organisation", "submitted_on")
    assert len(rows) == 1 + 8
    recommend = header.index("recommend")
    assert {r[recommend] for r in rows[1:]} == {5, 10}  # numbers, not text
    whys = [row[header.index("why")] for row in book["responses"].iter_rows(min_row=2)]
    formula_like = next(c for c in whys if "HYPERLINK" in str(c.value))
    assert formula_like.data_type == "s"  # stored as text, never run as a formula
    assert formula_like.value == '\'=HYPERLINK("http://evil.example")'
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0] == ("column", "question", "type", "text", "values")
    described = {r[0] for r in codebook[1:]}
    assert set(header) <= described  # every response column is in the codebook
    uses = next(r for r in codebook if r[0] == "uses")
    assert "yes = Kyllä" in uses[4]


async def test_open_data_has_aggregates_only_and_suppresses_small_counts(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"])
    got = await staff_client.get(f"/surveys/staff/campaigns/{seeded['campaign_id']}/open-data.csv")
    assert got.status_code == 200, got.text
    text = got.text
    assert "Vapaa teksti" not in text and "HYPERLINK" not in text  # no free text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["measure"] for r in rows} <= {
        "responses",
        "answered",
        "count",
        "percent",
        "mean",
        "median",
        "nps",
    }
    assert {r["question_id"] for r in rows if r["measure"] == "answered"} >= {"why", "staff"}
    assert not [r for r in rows if r["question_id"] == "why" and r["measure"] != "answered"]
    staff = [r for r in rows if r["question_id"] == "staff"]
    assert len(staff) == 1 and staff[0]["value"] == "" and staff[0]["note"].startswith("supp")
    uses = {(r["category"], r["measure"]): r for r in rows if r["question_id"] == "uses"}
    # "no" (2) is under 5; "yes" (6) would give it away as 8 - 6, so it is hidden too.
    for category in ("no", "yes"):
        assert uses[(category, "count")]["value"] == ""
        assert uses[(category, "count")]["note"].startswith("suppressed")
    assert uses[("other", "count")]["value"] == "0"
    nps = next(r for r in rows if r["question_id"] == "recommend" and r["measure"] == "nps")
    assert nps["value"] == "0"
    for r in rows:
        if r["measure"] == "count" and r["value"]:
            assert int(r["value"]) == 0 or int(r["value"]) >= 5


async def test_csv_exports_neutralise_formula_injection(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"])
    got = await staff_client.get(f"/api/surveys/campaigns/{seeded['campaign_id']}/responses.csv")
    assert got.status_code == 200, got.text
    rows = list(csv.DictReader(io.StringIO(got.text)))
    whys = {r["why"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example")' in whys
    assert not any(w.startswith(("=", "+", "-", "@", "\t", "\r")) for w in whys)
