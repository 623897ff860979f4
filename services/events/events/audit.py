"""Staff actions go to staff.audit.v1 in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from events import SOURCE
from shared.audit import publish_staff_action
from shared.outbox.unit_of_work import Publisher


def audit(
    uow: Publisher,
    *,
    actor_id: str | None,
    actor_role: str | None,
    action: str,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None = None,
) -> None:
    publish_staff_action(
        uow,
        service="events",
        actor_id=actor_id,
        actor_role=actor_role,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
        source=SOURCE,
    )
