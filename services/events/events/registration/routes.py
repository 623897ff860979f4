"""Staff API of registrations: /api/events/events/{id}/registrations."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from events.deps import UnitOfWork
from events.registration import service as registration
from shared.web.staff import Viewer

router = APIRouter(prefix="/api/events", tags=["registrations"])


@router.get("/events/{event_id}/registrations")
async def list_registrations(
    event_id: uuid.UUID, uow: UnitOfWork, staff: Viewer
) -> list[dict[str, Any]]:
    rows = await registration.registrations_of(uow, event_id)
    return [
        {
            "id": str(r.id),
            "state": r.state,
            "name": r.name,
            "email": r.email,
            "organisation": r.organisation,
            "accessibility_needs": r.accessibility_needs,
            "language": r.language,
            "created_at": r.created_at.isoformat(),
            "attended_at": r.attended_at.isoformat() if r.attended_at else None,
        }
        for r in rows
    ]
