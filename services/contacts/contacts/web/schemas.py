"""API shapes of people (kept apart from the tables and the domain)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from contacts.domain.person import Person


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


class PersonOut(BaseModel):
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    language: str
    version: int
    created_at: datetime

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls(
            id=person.id,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
            version=person.version,
            created_at=person.created_at,
        )
