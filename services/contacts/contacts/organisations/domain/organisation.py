"""Organisations of the network: libraries, service points, authorities, NGOs and the rest."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from contacts.classification import load_classification
from contacts.errors import InvalidInput
from contacts.organisations.domain.business_id import normalise_business_id
from contacts.organisations.domain.offer import parse_funding, parse_support_forms

ORGANISATION_TYPES: tuple[str, ...] = (
    "library",
    "service_point",
    "authority",
    "ngo",
    "municipality",
    "wellbeing_county",
    "citizen_advice",
    "education",
    "company",
    "project",
    "other",
)
OrganisationStatus = Literal["active", "pending_review"]
MAX_ORG_NAME = 200
MAX_WEBSITE = 300


def parse_type(raw: str) -> str:
    if raw not in ORGANISATION_TYPES:
        raise InvalidInput(
            f"Organisation type must be one of: {', '.join(ORGANISATION_TYPES)}.",
            field="type",
        )
    return raw


def clean_org_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput("Organisation name is required.", field="name")
    if len(name) > MAX_ORG_NAME:
        raise InvalidInput(
            f"Organisation name is longer than {MAX_ORG_NAME} characters.", field="name"
        )
    return name


def clean_website(raw: str) -> str:
    url = raw.strip()
    if not url:
        return ""
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if len(url) > MAX_WEBSITE or parts.scheme not in ("http", "https") or "." not in parts.netloc:
        raise InvalidInput("Website must be an http(s) address.", field="website")
    return url


def place(region: str | None, municipality: str | None) -> tuple[str | None, str | None]:
    """(region, municipality) codes, checked against the classification and each other.

    A municipality alone fills in its region; a region that disagrees is refused.
    """
    classification = load_classification()
    if municipality:
        found = classification.municipality(municipality)
        if region and classification.region(region).code != found.region_code:
            raise InvalidInput(
                f"Municipality {found.code} is not in region {region}.", field="region_code"
            )
        return found.region_code, found.code
    if region:
        return classification.region(region).code, None
    return None, None


@dataclass(frozen=True)
class Organisation:
    id: uuid.UUID
    name: str
    type: str = "other"
    business_id: str | None = None
    region: str | None = None
    municipality: str | None = None
    website: str = ""
    parent_id: uuid.UUID | None = None
    status: OrganisationStatus = "active"
    support_forms: tuple[str, ...] = ()
    funding: tuple[str, ...] = ()
    # Archived: kept with its links and history, but offered nowhere and listed only on request.
    archived: bool = False
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def new(
        cls,
        *,
        name: str,
        type: str = "other",
        business_id: str | None = None,
        region_code: str | None = None,
        municipality_code: str | None = None,
        website: str = "",
        parent_id: uuid.UUID | None = None,
        status: OrganisationStatus = "active",
        support_forms: Iterable[str] = (),
        funding: Iterable[str] = (),
    ) -> Organisation:
        region, municipality = place(region_code, municipality_code)
        return cls(
            id=uuid.uuid4(),
            name=clean_org_name(name),
            type=parse_type(type),
            business_id=normalise_business_id(business_id) if business_id else None,
            region=region,
            municipality=municipality,
            website=clean_website(website),
            parent_id=parent_id,
            status=status,
            support_forms=parse_support_forms(support_forms),
            funding=parse_funding(funding),
        )

    def edited(self, **changes: object) -> Organisation:
        """A validated copy; keys as in `new` (region_code, municipality_code, ...)."""
        values: dict[str, object] = {
            name: clean(changes[name]) for name, clean in CLEANERS.items() if name in changes
        }
        if "region_code" in changes or "municipality_code" in changes:
            region = changes.get("region_code", self.region)
            municipality = changes.get("municipality_code", self.municipality)
            values["region"], values["municipality"] = place(
                str(region) if region else None, str(municipality) if municipality else None
            )
        if "parent_id" in changes:
            parent = changes["parent_id"]
            if parent == self.id:
                raise InvalidInput("An organisation cannot be its own parent.", field="parent_id")
            values["parent_id"] = parent
        if "status" in changes:
            if changes["status"] not in ("active", "pending_review"):
                raise InvalidInput("Status must be active or pending_review.", field="status")
            values["status"] = changes["status"]
        if "archived" in changes:
            if not isinstance(changes["archived"], bool):
                raise InvalidInput("Archived is true or false.", field="archived")
            values["archived"] = changes["archived"]
        return replace(self, **values)  # type: ignore[arg-type]


# The fields checked on their own, each by its cleaner (a form's value or the API's).
CLEANERS: dict[str, Callable[[Any], object]] = {
    "name": lambda v: clean_org_name(str(v or "")),
    "type": lambda v: parse_type(str(v or "")),
    "business_id": lambda v: normalise_business_id(str(v)) if v else None,
    "website": lambda v: clean_website(str(v or "")),
    "support_forms": parse_support_forms,
    "funding": parse_funding,
}


def problems(**fields: object) -> dict[str, str]:
    """Every field's problem at once (a form shows them all), keyed by the field of the error.

    Keys as in `Organisation.new`; only the fields given are checked.
    """
    found: dict[str, str] = {}
    for name, check in CLEANERS.items():
        if name in fields:
            try:
                check(fields[name])
            except InvalidInput as error:
                found[error.field or name] = error.message
    if fields.get("region_code") or fields.get("municipality_code"):
        region, municipality = fields.get("region_code"), fields.get("municipality_code")
        try:
            place(str(region) if region else None, str(municipality) if municipality else None)
        except InvalidInput as error:
            found[error.field or "municipality_code"] = error.message
    return found
