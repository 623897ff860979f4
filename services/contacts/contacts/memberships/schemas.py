"""Request shapes of the membership API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MembershipAction(BaseModel):
    action: str = Field(max_length=20)
    reason: str = Field("", max_length=500)
    ecosystem_role: str | None = Field(None, max_length=40)
