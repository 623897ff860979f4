"""People inactive for the configured years, listed for re-permission or erasure by staff.

Nothing here deletes: erasing stays a staff decision on the person's page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request, Response

from contacts.deps import Engine, Settings
from contacts.rendering import pages, staff_language
from contacts.retention import repository as store
from shared.web.staff import Editor

router = APIRouter(include_in_schema=False)
LIMIT = 500


@router.get("/staff/retention")
async def inactive_people(
    request: Request, engine: Engine, settings: Settings, staff: Editor
) -> Response:
    request.state.staff = staff
    years = settings.retention_inactive_review_years
    cutoff = datetime.now(UTC) - timedelta(days=365 * years)
    async with engine.connect() as conn:
        found = await store.inactive_people(conn, cutoff, cutoff.date(), limit=LIMIT)
    return pages.render(
        request,
        "staff_retention.html",
        {"people": found, "years": years, "limit": LIMIT},
        lang=staff_language(request),
    )
