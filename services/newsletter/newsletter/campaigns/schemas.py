"""API shapes of newsletter's routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Language = Literal["fi", "sv", "en"]


class ArticleIn(BaseModel):
    title: str = Field(max_length=500)
    url: str = Field(max_length=2_000)


class BlockIn(BaseModel):
    type: Literal["heading", "text", "button", "divider", "image", "event", "articles"]
    text: str = Field("", max_length=20_000)
    url: str = Field("", max_length=2_000)
    alt: str = Field("", max_length=500)
    date: str = Field("", max_length=200)
    place: str = Field("", max_length=500)
    items: list[ArticleIn] = Field(default_factory=list, max_length=50)
    media: str = Field("", max_length=36)  # a media-library image's id (image blocks)


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
    in_archive: bool = True
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
    content: dict[str, Any] = Field(default_factory=dict)
    fallback_language: str | None = None
    topics: list[str] = Field(default_factory=list)
    topical: bool = False
    tracking: bool = False
    in_archive: bool = True
    included_segments: list[uuid.UUID] = Field(default_factory=list)
    excluded_segments: list[uuid.UUID] = Field(default_factory=list)
    scheduled_at: datetime | None = None
    scheduled_at_helsinki: str | None = None
    cancelled_count: int | None = None


class DraftIn(BaseModel):
    """A composer draft: content in at least one of fi, sv, en, blocks in the same order."""

    name: str = Field(max_length=200)
    content: dict[Language, VariantIn] = Field(min_length=1)
    fallback_language: Language | None = None
    topics: list[str] = Field(default_factory=list, max_length=50)
    topical: bool = False
    tracking: bool = False
    in_archive: bool = True
    included_segments: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    excluded_segments: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class ArchiveIn(BaseModel):
    shown: bool = Field(description="Show the campaign in the public archive and feed.")


OVERRIDE_DESCRIPTION = (
    "Send despite links that fail the link check, for this reason (audited as "
    "campaign.link_check_overridden); no other refusal can be overridden"
)


class SendIn(BaseModel):
    link_override_reason: str | None = Field(
        default=None, max_length=1000, description=OVERRIDE_DESCRIPTION
    )


class ScheduleIn(BaseModel):
    send_at: str = Field(description="Helsinki local time, YYYY-MM-DDTHH:MM", max_length=40)
    link_override_reason: str | None = Field(
        default=None, max_length=1000, description=OVERRIDE_DESCRIPTION
    )


class Scheduled(BaseModel):
    id: uuid.UUID
    scheduled_at: datetime
    scheduled_at_helsinki: str


class Moved(BaseModel):
    id: uuid.UUID
    status: str
    deliveries: int


class TestSendIn(BaseModel):
    addresses: list[str] = Field(min_length=1, max_length=50)
    language: Language = "fi"


class TestSent(BaseModel):
    id: uuid.UUID
    sent_to: int


class Recipient(BaseModel):
    email: str
    name: str
    language: str


class AudienceOut(BaseModel):
    count: int
    languages: dict[str, int]
    sample: list[Recipient]


class SegmentOut(BaseModel):
    segment_id: uuid.UUID
    name: str
