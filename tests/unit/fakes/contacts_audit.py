"""In-memory staff actions of every service, as `staff.audit.v1` brings them
(`uow.staff_actions`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class FakeStaffActions:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    async def add(
        self,
        *,
        service: str,
        actor_id: str | None,
        actor_role: str | None,
        action: str,
        target_type: str | None,
        target_id: str | None,
        details: dict[str, Any],
        occurred_at: datetime,
    ) -> None:
        self.rows.append(
            {
                "service": service,
                "actor_id": actor_id,
                "actor_role": actor_role,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "details": dict(details),
                "occurred_at": occurred_at,
            }
        )
