"""Request and response shapes of the people API."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from contacts.people.domain.person import Person


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
