"""The open datasets, each described once: its name, title, fields and key.

That one description gives the Table Schema (Frictionless) of `datapackage.json`, the CSV's
columns and the JSON objects' keys (both in field order), and the shape of every row the
datasets build (`Dataset.row` refuses a row with other fields); the tests validate every
dataset against the schema. Fields several datasets share (the month, the region and its
names) are described once here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contacts.impact.domain import SMALLEST_GROUP


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, number, yearmonth
    description: str = ""
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None

    def schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.description:
            found["description"] = self.description
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            found["constraints"] = constraints
        return found


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        """Column order of the CSV and key order of the JSON objects."""
        return [f.name for f in self.fields]

    def schema(self) -> dict[str, Any]:
        return {
            "fields": [f.schema() for f in self.fields],
            "primaryKey": list(self.key),
            "missingValues": [""],
        }

    def row(self, **values: Any) -> dict[str, Any]:
        """One row with exactly the dataset's fields, in their order."""
        if set(values) != set(self.columns):
            raise ValueError(f"{self.name}: a row has {sorted(values)}, not {self.columns}")
        return {name: values[name] for name in self.columns}


def _names(of: str, *langs: str) -> tuple[Field, ...]:
    return tuple(Field(f"{of}_name_{lang}", "string") for lang in langs)


def _count(name: str, description: str) -> Field:
    """A count of people: left empty for a group smaller than SMALLEST_GROUP."""
    text = f"{description}; empty when fewer than {SMALLEST_GROUP}."
    return Field(name, "integer", text, minimum=SMALLEST_GROUP)


def _percent(name: str, description: str) -> Field:
    return Field(name, "number", description, minimum=0, maximum=100)


MONTH = Field("month", "yearmonth", "The month (YYYY-MM).")
REGION = (
    Field("region", "string", "Region code of Statistics Finland.", required=True),
    *_names("region", "fi", "sv"),
)

NETWORK_SIZE = Dataset(
    "network-size",
    "Network size by region and organisation type per month",
    (
        MONTH,
        *REGION,
        Field("organisation_type", "string", "Organisation type code.", required=True),
        *_names("organisation_type", "fi", "sv", "en"),
        _count("members", "Members at the end of the month"),
    ),
    key=("month", "region", "organisation_type"),
)
NEWSLETTER_REACH = Dataset(
    "newsletter-reach",
    "Newsletter reach per month",
    (
        MONTH,
        Field("campaigns", "integer", "Newsletter campaigns first sent in the month.", minimum=0),
        _count("recipients", "People sent at least one campaign in the month"),
        _percent("delivery_rate", "Per cent of the month's campaign mail that did not bounce."),
        _percent("open_rate", "Per cent of delivered mail that was opened (approximate)."),
        _percent("click_rate", "Per cent of delivered mail in which a link was followed."),
    ),
    key=("month",),
)
SELF_ASSESSMENT = Dataset(
    "self-assessment",
    "Self-assessment scores by region and competence area per month",
    (
        MONTH,
        *REGION,
        Field(
            "area",
            "string",
            "Key of the competence area of the self-assessment test.",
            required=True,
        ),
        *_names("area", "fi", "sv", "en"),
        _count(
            "results",
            "Identified results of the month scoring the area, each person's latest once",
        ),
        _percent(
            "average_score",
            "Average score of the area in per cent (0-100); empty when fewer than "
            f"{SMALLEST_GROUP} results.",
        ),
    ),
    key=("month", "region", "area"),
)

DATASETS: dict[str, Dataset] = {
    d.name: d for d in (NETWORK_SIZE, NEWSLETTER_REACH, SELF_ASSESSMENT)
}
SCHEMAS: dict[str, dict[str, Any]] = {name: d.schema() for name, d in DATASETS.items()}
TITLES: dict[str, str] = {name: d.title for name, d in DATASETS.items()}
