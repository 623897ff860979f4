"""Staff actions from every service; contacts stores and shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from shared.events.envelope import EventData


class StaffActionV1(EventData):
    event_type = "fi.digituki.staff.action.v1"

    service: str
    actor_id: str | None
    actor_role: str | None = None
    action: str
    target_type: str | None = None
    target_id: str | None = None
    occurred_at: datetime
    details: dict[str, Any] = Field(default_factory=dict)
