"""API shapes (kept apart from the tables and the domain)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person
from contacts.topics.domain import Topic


class PersonIn(BaseModel):
    email: str = Field(max_length=254)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    language: str = "fi"


class PersonPatch(BaseModel):
    email: str | None = Field(None, max_length=254)
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    language: str | None = None
    phone: str | None = Field(None, max_length=40)
    title: str | None = Field(None, max_length=150)
    municipality: str | None = Field(None, max_length=3)
    topics: list[str] | None = Field(None, max_length=50)
    email_status: str | None = None


class PersonOut(BaseModel):
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    language: str
    version: int
    created_at: datetime
    phone: str | None = None
    title: str = ""
    municipality: str | None = None
    topics: list[str] = []
    subscription_state: str = "pending"
    confirmed_at: datetime | None = None
    newsletter_consent: bool = False
    survey_consent: bool = False
    email_status: str = "ok"
    tags: list[str] = []
    last_engaged_on: date | None = None

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls.model_validate(asdict(person))


class PeoplePage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int


class MembershipAction(BaseModel):
    action: str = Field(max_length=20)
    reason: str = Field("", max_length=500)
    ecosystem_role: str | None = Field(None, max_length=40)


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


class OrganisationPatch(BaseModel):
    name: str | None = Field(None, max_length=200)
    type: str | None = Field(None, max_length=40)
    business_id: str | None = Field(None, max_length=20)
    region_code: str | None = Field(None, max_length=2)
    municipality_code: str | None = Field(None, max_length=3)
    website: str | None = Field(None, max_length=300)
    parent_id: uuid.UUID | None = None
    status: str | None = Field(None, max_length=20)


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
    created_at: datetime

    @classmethod
    def of(cls, org: Organisation) -> OrganisationOut:
        return cls.model_validate(asdict(org))


class OrganisationsPage(BaseModel):
    items: list[OrganisationOut]
    total: int
    page: int
    per_page: int


class TopicIn(BaseModel):
    key: str = Field(max_length=50)
    name_fi: str = Field(max_length=120)
    name_sv: str = Field("", max_length=120)
    name_en: str = Field("", max_length=120)
    position: int = 0


class TopicPatch(BaseModel):
    name_fi: str | None = Field(None, max_length=120)
    name_sv: str | None = Field(None, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    position: int | None = None
    archived: bool | None = None


class TopicOut(BaseModel):
    key: str
    name_fi: str
    name_sv: str
    name_en: str
    position: int
    archived: bool

    @classmethod
    def of(cls, topic: Topic) -> TopicOut:
        return cls.model_validate(asdict(topic))
