"""Who did it: staff actions go to the audit log in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.staff import repository as staff_store


@dataclass(frozen=True)
class Actor:
    """A staff member as the proxy vouched for it; None in a use case means the person."""

    id: str
    role: str


async def audit(
    conn: AsyncConnection,
    actor: Actor | None,
    action: str,
    *,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None = None,
) -> None:
    await staff_store.record_action(
        conn,
        service="contacts",
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
