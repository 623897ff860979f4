"""API bodies of the campaign routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class CampaignIn(BaseModel):
    survey_id: uuid.UUID
    name: str
    mode: str = "identified"
    opens_at: datetime
    closes_at: datetime
    audience: dict[str, Any] = Field(default_factory=lambda: {"all": []})
    max_reminders: int = Field(1, ge=0, le=10)
    reminder_interval_days: float = Field(7, gt=0, le=365)
    # Hours between reminders (1 to 1440); when given it replaces reminder_interval_days.
    reminder_interval_hours: float | None = Field(None, ge=1, le=1440)
    # A public anonymous link as well (with no segments, pass the audience {"any": []}).
    open_link: bool = False


class ClosingIn(BaseModel):
    closes_at: datetime


class RemindersIn(BaseModel):
    max_reminders: int = Field(ge=0, le=5)
    interval_hours: float = Field(ge=1, le=1440)


class InvitationIn(BaseModel):
    """Own subject and message per language; a language left out gets the default text."""

    subject: dict[str, str] = Field(default_factory=dict)
    body: dict[str, str] = Field(default_factory=dict)


class TestSendIn(BaseModel):
    to_email: str = Field(max_length=320)
    language: str = "fi"
