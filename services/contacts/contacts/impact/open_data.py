"""Open data: aggregated, non-personal datasets from the stored impact figures.

Two datasets, each as CSV and JSON at a stable URL, described by one Frictionless Data
Package (`datapackage.json`, CC BY 4.0):
- network-size: members at each month's end by region and organisation type;
- newsletter-reach: per month, campaigns sent, people reached, delivery, open and click rates;
- self-assessment: per month, region and competence area, the identified self-assessment
  results and their average score.
Only months that have ended are published. A group of fewer than SMALLEST_GROUP people is
never shown: its count is left empty (and a month's newsletter rates with it). A row's key is
never empty (empty is the missing value): people whose region (or type) is not known are in no
row of the datasets by region. The datasets are read through contacts' unit of work
(`uow.impact`, and `uow.segments` for the competence areas' names).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from contacts.classification import Region, load_classification
from contacts.impact import domain
from contacts.impact import open_schemas as described
from contacts.impact.domain import NETWORK_SIZE, SMALLEST_GROUP, WHOLE, suppressed
from contacts.impact.repository import Stored
from contacts.impact.self_assessment import SCORE, cell_size
from contacts.signup.pages.signup import TYPE_LABELS
from contacts.unit_of_work import ContactsUnitOfWork

Gettext = Callable[[str], str]
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
FIRST_MONTH = date(2020, 1, 1)

DATASETS = tuple(described.DATASETS)
FORMATS = ("csv", "json")


def descriptor(base_url: str = "") -> dict[str, Any]:
    """The Frictionless Data Package describing every dataset (CSV and JSON resources)."""
    resources: list[dict[str, Any]] = []
    for name in DATASETS:
        for fmt in FORMATS:
            resources.append(
                {
                    "name": name if fmt == "csv" else f"{name}-json",
                    "title": described.DATASETS[name].title,
                    "path": f"{base_url}{name}.{fmt}",
                    "format": fmt,
                    "mediatype": "text/csv" if fmt == "csv" else "application/json",
                    "encoding": "utf-8",
                    "profile": "tabular-data-resource",
                    "licenses": [LICENCE],
                    "schema": described.DATASETS[name].schema(),
                }
            )
    return {
        "profile": "tabular-data-package",
        "name": "digituki-network",
        "title": "The Digituki network: open data",
        "description": (
            "Aggregated, non-personal figures of the Digituki partner network of the Digital "
            "and Population Data Services Agency. Groups of fewer than "
            f"{SMALLEST_GROUP} people are not shown."
        ),
        "licenses": [LICENCE],
        "resources": resources,
    }


def _month_text(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _region(code: str, regions: Mapping[str, Region]) -> dict[str, str]:
    """The region's fields of a row: its code and names (empty for an unknown code)."""
    named = regions.get(code)
    return {
        "region": code,
        "region_name_fi": named.name("fi") if named else "",
        "region_name_sv": named.name("sv") if named else "",
    }


async def _published(
    uow: ContactsUnitOfWork, indicators: list[str], *, parts: str | None, today: date | None
) -> list[Stored]:
    """The stored figures of the months that have ended (inside the caller's unit of work)."""
    until = domain.previous_month(domain.month_start(today or datetime.now(UTC).date()))
    return await uow.impact.stored(
        since=FIRST_MONTH, until=until, indicators=indicators, parts=parts
    )


async def network_size(
    uow: ContactsUnitOfWork, *, gettext: Mapping[str, Gettext], today: date | None = None
) -> list[dict[str, Any]]:
    async with uow:
        figures = await _published(uow, [NETWORK_SIZE], parts="cell:", today=today)
    regions = {r.code: r for r in load_classification().regions}
    rows: list[dict[str, Any]] = []
    for row in figures:
        if row.part == WHOLE:
            continue
        region, org_type = row.part.removeprefix("cell:").split("|", 1)
        if not region or not org_type:
            continue  # an empty key part would read as missing ("" is the missing value)
        label = TYPE_LABELS.get(org_type, "")
        rows.append(
            described.NETWORK_SIZE.row(
                month=_month_text(row.month),
                **_region(region, regions),
                organisation_type=org_type,
                organisation_type_name_fi=gettext["fi"](label) if label else "",
                organisation_type_name_sv=gettext["sv"](label) if label else "",
                organisation_type_name_en=label,
                members=suppressed(row.figure.numerator),
            )
        )
    return rows


def _percent(figure: domain.Figure | None) -> float | None:
    if figure is None or not figure.denominator:
        return None
    return round(figure.value * 100, 1)


async def newsletter_reach(
    uow: ContactsUnitOfWork, *, today: date | None = None
) -> list[dict[str, Any]]:
    keys = ["campaigns_sent", "newsletter_reach", "delivery_rate", "open_rate", "click_rate"]
    async with uow:
        figures = await _published(uow, keys, parts=None, today=today)
    months: dict[date, dict[str, domain.Figure]] = {}
    for row in figures:
        if row.part == WHOLE:
            months.setdefault(row.month, {})[row.indicator] = row.figure
    rows: list[dict[str, Any]] = []
    for month, got in sorted(months.items()):
        reached = got.get("newsletter_reach")
        recipients = suppressed(reached.numerator if reached else None)
        small = recipients is None
        campaigns = got.get("campaigns_sent")
        rows.append(
            described.NEWSLETTER_REACH.row(
                month=_month_text(month),
                campaigns=campaigns.numerator if campaigns else 0,
                recipients=recipients,
                delivery_rate=None if small else _percent(got.get("delivery_rate")),
                open_rate=None if small else _percent(got.get("open_rate")),
                click_rate=None if small else _percent(got.get("click_rate")),
            )
        )
    return rows


async def self_assessment(
    uow: ContactsUnitOfWork, *, today: date | None = None
) -> list[dict[str, Any]]:
    """The stored score cells (`cell:<region>|<area>`) of the months that have ended."""
    async with uow:
        figures = await _published(uow, [SCORE], parts="cell:", today=today)
        names = {lang: await uow.segments.area_names(lang) for lang in ("fi", "sv", "en")}
    regions = {r.code: r for r in load_classification().regions}
    rows: list[dict[str, Any]] = []
    for row in figures:
        if not row.part.startswith("cell:"):
            continue
        region, area = row.part.removeprefix("cell:").split("|", 1)
        if not region:
            continue  # results of people whose region is not known are in no region's row
        results = suppressed(cell_size(row.figure))
        rows.append(
            described.SELF_ASSESSMENT.row(
                month=_month_text(row.month),
                **_region(region, regions),
                area=area,
                area_name_fi=names["fi"].get(area) or None,
                area_name_sv=names["sv"].get(area) or None,
                area_name_en=names["en"].get(area) or None,
                results=results,
                average_score=None if results is None else round(row.figure.value * 100, 1),
            )
        )
    return rows


def as_csv(name: str, rows: list[dict[str, Any]]) -> bytes:
    names = described.DATASETS[name].columns
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row[n] is None else row[n] for n in names])
    return out.getvalue().encode("utf-8")


def as_json(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
