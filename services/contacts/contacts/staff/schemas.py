"""Request and response shapes of the staff-users API."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from contacts.staff.domain import StaffMember


class StaffUserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: str
    active: bool

    @classmethod
    def of(cls, member: StaffMember) -> StaffUserOut:
        return cls(
            id=member.id,
            email=member.email,
            name=member.name,
            role=member.role,
            active=member.active,
        )


class Invitation(BaseModel):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=100)
    role: Literal["viewer", "editor", "admin"] = "editor"
    language: Literal["fi", "en"] = "fi"


class AccessChange(BaseModel):
    role: Literal["viewer", "editor", "admin"] | None = None
    active: bool | None = None
