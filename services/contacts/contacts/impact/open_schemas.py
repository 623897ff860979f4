"""The open datasets' Table Schemas (Frictionless) and titles: `datapackage.json` describes
each resource with these, and the tests validate every dataset against them."""

from __future__ import annotations

from typing import Any

from contacts.impact.domain import SMALLEST_GROUP

# Field order = column order of the CSV and key order of the JSON objects.
SCHEMAS: dict[str, dict[str, Any]] = {
    "network-size": {
        "fields": [
            {"name": "month", "type": "yearmonth", "description": "The month (YYYY-MM)."},
            {
                "name": "region",
                "type": "string",
                "description": "Region code of Statistics Finland.",
                "constraints": {"required": True},
            },
            {"name": "region_name_fi", "type": "string"},
            {"name": "region_name_sv", "type": "string"},
            {
                "name": "organisation_type",
                "type": "string",
                "description": "Organisation type code.",
                "constraints": {"required": True},
            },
            {"name": "organisation_type_name_fi", "type": "string"},
            {"name": "organisation_type_name_sv", "type": "string"},
            {"name": "organisation_type_name_en", "type": "string"},
            {
                "name": "members",
                "type": "integer",
                "description": (
                    f"Members at the end of the month; empty when fewer than {SMALLEST_GROUP}."
                ),
                "constraints": {"minimum": SMALLEST_GROUP},
            },
        ],
        "primaryKey": ["month", "region", "organisation_type"],
        "missingValues": [""],
    },
    "newsletter-reach": {
        "fields": [
            {"name": "month", "type": "yearmonth", "description": "The month (YYYY-MM)."},
            {
                "name": "campaigns",
                "type": "integer",
                "description": "Newsletter campaigns first sent in the month.",
                "constraints": {"minimum": 0},
            },
            {
                "name": "recipients",
                "type": "integer",
                "description": (
                    "People sent at least one campaign in the month; empty when fewer than "
                    f"{SMALLEST_GROUP}."
                ),
                "constraints": {"minimum": SMALLEST_GROUP},
            },
            {
                "name": "delivery_rate",
                "type": "number",
                "description": "Per cent of the month's campaign mail that did not bounce.",
                "constraints": {"minimum": 0, "maximum": 100},
            },
            {
                "name": "open_rate",
                "type": "number",
                "description": "Per cent of delivered mail that was opened (approximate).",
                "constraints": {"minimum": 0, "maximum": 100},
            },
            {
                "name": "click_rate",
                "type": "number",
                "description": "Per cent of delivered mail in which a link was followed.",
                "constraints": {"minimum": 0, "maximum": 100},
            },
        ],
        "primaryKey": ["month"],
        "missingValues": [""],
    },
    "self-assessment": {
        "fields": [
            {"name": "month", "type": "yearmonth", "description": "The month (YYYY-MM)."},
            {
                "name": "region",
                "type": "string",
                "description": "Region code of Statistics Finland.",
                "constraints": {"required": True},
            },
            {"name": "region_name_fi", "type": "string"},
            {"name": "region_name_sv", "type": "string"},
            {
                "name": "area",
                "type": "string",
                "description": "Key of the competence area of the self-assessment test.",
                "constraints": {"required": True},
            },
            {"name": "area_name_fi", "type": "string"},
            {"name": "area_name_sv", "type": "string"},
            {"name": "area_name_en", "type": "string"},
            {
                "name": "results",
                "type": "integer",
                "description": (
                    "Identified results of the month scoring the area, each person's latest "
                    f"once; empty when fewer than {SMALLEST_GROUP}."
                ),
                "constraints": {"minimum": SMALLEST_GROUP},
            },
            {
                "name": "average_score",
                "type": "number",
                "description": (
                    "Average score of the area in per cent (0-100); empty when fewer than "
                    f"{SMALLEST_GROUP} results."
                ),
                "constraints": {"minimum": 0, "maximum": 100},
            },
        ],
        "primaryKey": ["month", "region", "area"],
        "missingValues": [""],
    },
}
TITLES = {
    "network-size": "Network size by region and organisation type per month",
    "newsletter-reach": "Newsletter reach per month",
    "self-assessment": "Self-assessment scores by region and competence area per month",
}
