"""API shapes of newsletter's routes."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

Language = Literal["fi", "sv", "en"]


class BlockIn(BaseModel):
    type: Literal["heading", "text", "button", "divider", "image"]
    text: str = Field("", max_length=20_000)
    url: str = Field("", max_length=2_000)
    alt: str = Field("", max_length=500)


class VariantIn(BaseModel):
    subject: str = Field(max_length=300)
    preheader: str = Field("", max_length=300)
    blocks: list[BlockIn] = Field(default_factory=list, max_length=100)


class CampaignIn(BaseModel):
    name: str = Field(max_length=200)
    content: dict[Language, VariantIn]
    default_language: Language = "fi"
    topics: list[str] = Field(default_factory=list, max_length=50)
    topical: bool = False
    tracking: bool = False
    audience: dict[str, Any] = Field(default_factory=lambda: {"all": []})


class CampaignCreated(BaseModel):
    id: uuid.UUID


class SendResult(BaseModel):
    id: uuid.UUID
    recipients: int


class CampaignOut(BaseModel):
    id: uuid.UUID
    name: str
    status: str
    recipients: int | None
    deliveries: dict[str, int]
