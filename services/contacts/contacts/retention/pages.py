"""People inactive for the configured years, listed for re-permission or erasure by staff.

Nothing here deletes: erasing stays a staff decision on the person's page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from contacts.deps import Settings, Uow
from contacts.rendering import pages, staff_language
from contacts.retention import service
from shared.web.staff import Editor

router = APIRouter(include_in_schema=False)
LIMIT = 500


@router.get("/staff/retention")
async def inactive_people(
    request: Request, uow: Uow, settings: Settings, staff: Editor
) -> Response:
    request.state.staff = staff
    years = settings.retention_inactive_review_years
    found = await service.inactive_people(uow, settings, now=datetime.now(UTC), limit=LIMIT)
    return pages.render(
        request,
        "staff_retention.html",
        {"people": found, "years": years, "limit": LIMIT},
        lang=staff_language(request),
    )
