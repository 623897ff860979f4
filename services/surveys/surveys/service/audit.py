"""Staff actions go to staff.audit.v1 in the same transaction as the change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.events.audit import StaffActionV1
from shared.events.envelope import new_event
from shared.events.topics import STAFF_AUDIT
from shared.outbox.unit_of_work import UnitOfWork
from surveys.service import SOURCE


def audit(
    uow: UnitOfWork,
    *,
    actor_id: str | None,
    actor_role: str | None,
    action: str,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None = None,
) -> None:
    entry = StaffActionV1(
        service="surveys",
        actor_id=actor_id,
        actor_role=actor_role,
        action=action,
        target_type=target_type,
        target_id=target_id,
        occurred_at=datetime.now(UTC),
        details=details or {},
    )
    uow.publish(STAFF_AUDIT.name, target_id, new_event(source=SOURCE, data=entry))
