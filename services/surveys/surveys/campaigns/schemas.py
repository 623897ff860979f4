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
    max_reminders: int = 1
    reminder_interval_days: float = 7
    # A public anonymous link as well (with no segments, pass the audience {"any": []}).
    open_link: bool = False
