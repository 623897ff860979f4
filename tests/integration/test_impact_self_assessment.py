"""The self-assessment's effect figures and open dataset from results taken in through the
real consumer into PostgreSQL, on a fixed data set worked by hand below.

The people, network and regions are those of `test_impact_figures.seed` (p1 in Uusimaa 01,
p7-p11 in Pirkanmaa 06). Areas s (digital security) and d (devices); oldest first:

  p7:  2 Mar s20 d60 | 15 Mar s40 d80
  p8:  3 Feb s30 d40 | 3 Mar s50 d50
  p9:  4 Feb s40 d60 | 4 Mar s30 d90
  p10: 5 Feb s50 d20 | 5 Mar s70            (no devices score in March)
  p11: 6 Feb s0 d30 | 20 Feb s30 d30 | 8 Mar s50 d70
  p1:  6 Mar s10 d40
  u:   7 Mar s60 d60                         (an address contacts does not know)
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from contacts.assessments.service import apply_result
from contacts.impact import service as impact
from contacts.impact.domain import Figure
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.tables import people
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.surveys import AssessmentResultV1
from tests.integration.test_impact_figures import FEB, MAR, TODAY, read_csv, seed, uid, validate
from tests.support.staff import VIEWER_HEADERS

pytestmark = pytest.mark.integration

TAKEN: list[tuple[int | None, str, dict[str, int]]] = [
    (7, "2026-03-02", {"s": 20, "d": 60}),
    (7, "2026-03-15", {"s": 40, "d": 80}),
    (8, "2026-02-03", {"s": 30, "d": 40}),
    (8, "2026-03-03", {"s": 50, "d": 50}),
    (9, "2026-02-04", {"s": 40, "d": 60}),
    (9, "2026-03-04", {"s": 30, "d": 90}),
    (10, "2026-02-05", {"s": 50, "d": 20}),
    (10, "2026-03-05", {"s": 70}),
    (11, "2026-02-06", {"s": 0, "d": 30}),
    (11, "2026-02-20", {"s": 30, "d": 30}),
    (11, "2026-03-08", {"s": 50, "d": 70}),
    (1, "2026-03-06", {"s": 10, "d": 40}),
    (None, "2026-03-07", {"s": 60, "d": 60}),
]
NAMES = {
    "fi": {"s": "Digitaalinen turvallisuus", "d": "Laitteet ja yhteydet"},
    "sv": {"s": "Digital säkerhet", "d": "Enheter och förbindelser"},
    "en": {"s": "Digital security", "d": "Devices and connections"},
}


async def take_all(engine: AsyncEngine) -> None:
    """The results through the consumer. Each republishes the person's snapshot from their
    record, so the seeded people get the municipality (and so the region) of their
    organisation on their own record first: Tampere (837) for p7-p11, Helsinki for p1."""
    async with engine.begin() as conn:
        for n, municipality in [(1, "091"), *((n, "837") for n in range(7, 12))]:
            await conn.execute(
                update(people).where(people.c.id == uid(n)).values(municipality=municipality)
            )
    for n, (person, day, percents) in enumerate(TAKEN):
        event = AssessmentResultV1(
            attempt_id=uid(500 + n),
            assessment_id=uid(499),
            contact_id=uid(person) if person else uuid.uuid5(uuid.NAMESPACE_URL, "nobody"),
            taken_on=date.fromisoformat(day),
            percents=percents,
            area_names=NAMES["fi"],
            area_names_sv=NAMES["sv"],
            area_names_en=NAMES["en"],
            weak_areas=[k for k, p in percents.items() if p < 40],
        )
        async with engine.begin() as conn:
            await apply_result(JoinedContactsUnitOfWork(conn), event)


def parts(figures: dict[tuple[str, str], Figure], key: str) -> dict[str, Figure]:
    return {part: f for (k, part), f in figures.items() if k == key}


async def test_scores_and_change_are_counted_as_by_hand(clean_db: dict[str, AsyncEngine]) -> None:
    engine = clean_db["contacts"]
    await seed(engine)
    await take_all(engine)

    march = await impact.recompute_month(SqlContactsUnitOfWork(engine), MAR, today=TODAY)
    # p7's 15 Mar (40, 80), p8 (50, 50), p9 (30, 90), p10 (70), p11 (50, 70), p1 (10, 40) and
    # u (60, 60): 7 results, 13 scores adding up to 700.
    assert parts(march, "self_assessment_score") == {
        "": Figure.share(700, 1300),
        "area:s": Figure.share(40 + 50 + 30 + 70 + 50 + 10 + 60, 700),
        "area:d": Figure.share(80 + 50 + 90 + 70 + 40 + 60, 600),
        "cell:06|s": Figure.share(40 + 50 + 30 + 70 + 50, 500),
        "cell:06|d": Figure.share(80 + 50 + 90 + 70, 400),
        "cell:01|s": Figure.share(10, 100),
        "cell:01|d": Figure.share(40, 100),
        "cell:|s": Figure.share(60, 100),
        "cell:|d": Figure.share(60, 100),
    }
    # Latest minus first: p7 (+20, +20) 20, p8 (+20, +10) 15, p9 (-10, +30) 10, p10 (s) +20,
    # p11 (+50, +40) 45; devices has four people only.
    assert parts(march, "self_assessment_change") == {
        "": Figure(110 / 5 / 100, None, 5),
        "area:s": Figure(100 / 5 / 100, None, 5),
    }
    february = await impact.recompute_month(SqlContactsUnitOfWork(engine), FEB, today=TODAY)
    assert set(parts(february, "self_assessment_score")) == {"cell:06|s", "cell:06|d"}
    assert parts(february, "self_assessment_change") == {}  # p11 alone has two results

    view = await impact.impact_view(SqlContactsUnitOfWork(engine), year=2026, today=TODAY)
    rows = {row.indicator.key: row for row in view.rows()}
    assert rows["self_assessment_score"].year == Figure.share(700, 1300)
    assert rows["self_assessment_score"].by_area == {
        "d": Figure.share(390, 600),
        "s": Figure.share(310, 700),
    }
    assert rows["self_assessment_change"].year == Figure(0.22, None, 5)


async def test_the_page_and_the_open_dataset_show_groups_of_five_or_more(
    clean_db: dict[str, AsyncEngine], contacts_web: httpx.AsyncClient
) -> None:
    engine = clean_db["contacts"]
    await seed(engine)
    await take_all(engine)
    for month in (FEB, MAR):
        await impact.recompute_month(SqlContactsUnitOfWork(engine), month, today=TODAY)

    page = await contacts_web.get("/staff/impact?year=2026", headers=VIEWER_HEADERS)
    assert page.status_code == 200
    assert "Self-assessment score" in page.text and "By competence area" in page.text
    assert "Devices and connections: 65%" in page.text  # 390 / 600
    finnish = await contacts_web.get(
        "/staff/impact?year=2026", headers={**VIEWER_HEADERS, "Accept-Language": "fi"}
    )
    assert "Laitteet ja yhteydet" in finnish.text and "Itsearvioinnin tulos" in finnish.text

    package = (await contacts_web.get("/open-data/datapackage.json")).json()
    read: dict[str, list[dict[str, Any]]] = {}
    for resource in package["resources"]:
        got = await contacts_web.get(f"/open-data/{resource['path']}")
        assert got.status_code == 200
        csv_file = resource["format"] == "csv"
        rows = read_csv(resource, got.text) if csv_file else json.loads(got.text)
        validate(resource, rows)
        read[resource["name"]] = rows
        assert resource["licenses"][0]["name"] == "CC-BY-4.0"
    assert read["self-assessment"] == read["self-assessment-json"]
    cells = {(r["month"], r["region"], r["area"]): r for r in read["self-assessment"]}
    # The region of no one known (u) is not published; every other cell is, small ones empty.
    assert set(cells) == {
        ("2026-02", "06", "s"),
        ("2026-02", "06", "d"),
        ("2026-03", "06", "s"),
        ("2026-03", "06", "d"),
        ("2026-03", "01", "s"),
        ("2026-03", "01", "d"),
    }
    assert cells["2026-03", "06", "s"] == {
        "month": "2026-03",
        "region": "06",
        "region_name_fi": "Pirkanmaa",
        "region_name_sv": "Birkaland",
        "area": "s",
        "area_name_fi": "Digitaalinen turvallisuus",
        "area_name_sv": "Digital säkerhet",
        "area_name_en": "Digital security",
        "results": 5,
        "average_score": 48.0,  # 240 / 5
    }
    small = [r for k, r in cells.items() if k != ("2026-03", "06", "s")]
    assert all(r["results"] is None and r["average_score"] is None for r in small)
    index = await contacts_web.get("/open-data?lang=sv")
    assert "Självvärderingens resultat" in index.text
