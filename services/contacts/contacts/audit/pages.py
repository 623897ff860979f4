"""The audit log (Admin only): a filterable page and the same as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from contacts.audit.labels import SERVICES, SOMEONE, sentence_of, target_page
from contacts.audit.schemas import PER_PAGE, Text
from contacts.audit.service import audit_filter, log_page
from contacts.deps import Uow
from contacts.rendering import pages, staff_language
from shared.web.paging import PageNumber
from shared.web.staff import Admin

router = APIRouter(include_in_schema=False)


def _named(details: Any, staff: Mapping[str, str]) -> Any:
    """An entry's details with every staff id in them shown as the staff member's name."""
    if isinstance(details, dict):
        return {k: _named(v, staff) for k, v in details.items()}
    if isinstance(details, list):
        return [_named(v, staff) for v in details]
    if isinstance(details, str):
        return staff.get(details, details)
    return details


@router.get("/staff/audit")
async def audit_page(
    request: Request,
    uow: Uow,
    staff: Admin,
    service: Text = "",
    actor: Text = "",
    action: Text = "",
    date_from: date | None = None,
    date_to: date | None = None,
    page: PageNumber = 1,
) -> Response:
    request.state.staff = staff
    where = audit_filter(service, actor, action, date_from, date_to)
    found = await log_page(uow, where, page=page, per_page=PER_PAGE)
    total, names = found.total, found.names
    query = {
        "service": service,
        "actor": actor,
        "action": action,
        "date_from": date_from.isoformat() if date_from else "",
        "date_to": date_to.isoformat() if date_to else "",
    }
    kept = {k: v for k, v in query.items() if v}
    last_page = max(1, -(-total // PER_PAGE))
    return pages.render(
        request,
        "staff_audit.html",
        {
            "entries": found.entries,
            "total": total,
            "page": page,
            "last_page": last_page,
            "query": query,
            "services": found.services,
            "service_names": SERVICES,
            "names": names,
            "sentence_of": sentence_of,
            "target_page": target_page,
            "someone": SOMEONE,
            "staff_choices": sorted(names.staff.items(), key=lambda item: item[1].lower()),
            "shown_details": lambda details: _named(details, names.staff),
            "prev_url": f"?{urlencode({**kept, 'page': page - 1})}" if page > 1 else "",
            "next_url": f"?{urlencode({**kept, 'page': page + 1})}" if page < last_page else "",
        },
        lang=staff_language(request),
    )
