"""Request shapes of the tags API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TagIn(BaseModel):
    name: str = Field(max_length=200)
