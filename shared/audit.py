"""Publishing a staff action on `staff.audit.v1`, through the caller's outbox (same
transaction as the change it records); contacts stores and shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.events.audit import StaffActionV1
from shared.events.envelope import new_event
from shared.events.topics import STAFF_AUDIT
from shared.outbox.unit_of_work import Publisher


def publish_staff_action(
    uow: Publisher,
    *,
    service: str,
    actor_id: str | None,
    actor_role: str | None = None,
    action: str,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None = None,
    source: str | None = None,
) -> None:
    entry = StaffActionV1(
        service=service,
        actor_id=actor_id,
        actor_role=actor_role,
        action=action,
        target_type=target_type,
        target_id=target_id,
        occurred_at=datetime.now(UTC),
        details=details or {},
    )
    uow.publish(
        STAFF_AUDIT.name, actor_id or target_id, new_event(source=f"/{service}", data=entry)
    )


@dataclass(frozen=True)
class StaffAudit:
    """A service's audit writer: `audit(uow, actor_id=..., action=..., ...)` publishes the
    staff action under the service's name, in the caller's transaction."""

    service: str
    source: str | None = None

    def __call__(
        self,
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
            service=self.service,
            actor_id=actor_id,
            actor_role=actor_role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
            source=self.source,
        )
