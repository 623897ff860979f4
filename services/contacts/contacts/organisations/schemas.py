"""Request and response shapes of the organisations API."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime

from pydantic import BaseModel, Field

from contacts.organisations.domain.offer import FUNDING_SOURCES, SUPPORT_FORMS
from contacts.organisations.domain.organisation import Organisation

SUPPORT_HELP = "Forms of digital support offered, codes of: " + ", ".join(SUPPORT_FORMS)
FUNDING_HELP = "Funding sources, codes of: " + ", ".join(FUNDING_SOURCES)


class LinkIn(BaseModel):
    organisation_id: uuid.UUID
    role: str = Field("", max_length=150)
    start_date: date | None = None
    end_date: date | None = None


class LinkEnd(BaseModel):
    end_date: date


class OrganisationIn(BaseModel):
    name: str = Field(max_length=200)
    type: str = Field("other", max_length=40)
    business_id: str | None = Field(None, max_length=20)
    region_code: str | None = Field(None, max_length=2)
    municipality_code: str | None = Field(None, max_length=3)
    website: str = Field("", max_length=300)
    parent_id: uuid.UUID | None = None
    support_forms: list[str] = Field(
        default_factory=list, max_length=len(SUPPORT_FORMS), description=SUPPORT_HELP
    )
    funding: list[str] = Field(
        default_factory=list, max_length=len(FUNDING_SOURCES), description=FUNDING_HELP
    )


class OrganisationPatch(BaseModel):
    name: str | None = Field(None, max_length=200)
    type: str | None = Field(None, max_length=40)
    business_id: str | None = Field(None, max_length=20)
    region_code: str | None = Field(None, max_length=2)
    municipality_code: str | None = Field(None, max_length=3)
    website: str | None = Field(None, max_length=300)
    parent_id: uuid.UUID | None = None
    status: str | None = Field(None, max_length=20)
    support_forms: list[str] | None = Field(
        None, max_length=len(SUPPORT_FORMS), description=SUPPORT_HELP
    )
    funding: list[str] | None = Field(
        None, max_length=len(FUNDING_SOURCES), description=FUNDING_HELP
    )
    archived: bool | None = Field(None, description="Archived: listed only on request.")


class OrganisationOut(BaseModel):
    id: uuid.UUID
    name: str
    type: str
    business_id: str | None
    region: str | None
    municipality: str | None
    website: str
    parent_id: uuid.UUID | None
    status: str
    support_forms: list[str]
    funding: list[str]
    archived: bool
    created_at: datetime

    @classmethod
    def of(cls, org: Organisation) -> OrganisationOut:
        return cls.model_validate(asdict(org))


class OrganisationsPage(BaseModel):
    items: list[OrganisationOut]
    total: int
    page: int
    per_page: int
