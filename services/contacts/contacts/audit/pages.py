"""The audit log (Admin only): a filterable page and the same as JSON."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from contacts.audit import repository as store
from contacts.deps import Engine
from contacts.rendering import pages, staff_language
from shared.web.pages import HELSINKI
from shared.web.staff import Admin

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/contacts/audit", tags=["audit"])
PER_PAGE = 50
MAX_PER_PAGE = 200
Text = Annotated[str, Query(max_length=200)]


class AuditPage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int


def _filter(
    service: str, actor: str, action: str, date_from: date | None, date_to: date | None
) -> store.AuditFilter:
    """Dates are days in Helsinki; `date_to` is included."""
    return store.AuditFilter(
        service=service.strip() or None,
        actor_id=actor.strip() or None,
        action=action.strip() or None,
        since=datetime.combine(date_from, time(), HELSINKI) if date_from else None,
        until=datetime.combine(date_to + timedelta(days=1), time(), HELSINKI) if date_to else None,
    )


@api.get("")
async def audit_entries(
    engine: Engine,
    staff: Admin,
    service: Text = "",
    actor: Text = "",
    action: Text = "",
    date_from: date | None = None,
    date_to: date | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> AuditPage:
    where = _filter(service, actor, action, date_from, date_to)
    async with engine.connect() as conn:
        items, total = await store.search(conn, where, page=page, per_page=per_page)
    return AuditPage(items=items, total=total, page=page, per_page=per_page)


@router.get("/staff/audit")
async def audit_page(
    request: Request,
    engine: Engine,
    staff: Admin,
    service: Text = "",
    actor: Text = "",
    action: Text = "",
    date_from: date | None = None,
    date_to: date | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    request.state.staff = staff
    where = _filter(service, actor, action, date_from, date_to)
    async with engine.connect() as conn:
        items, total = await store.search(conn, where, page=page, per_page=PER_PAGE)
        known_services = await store.services(conn)
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
            "entries": items,
            "total": total,
            "page": page,
            "last_page": last_page,
            "query": query,
            "services": known_services,
            "prev_url": f"?{urlencode({**kept, 'page': page - 1})}" if page > 1 else "",
            "next_url": f"?{urlencode({**kept, 'page': page + 1})}" if page < last_page else "",
        },
        lang=staff_language(request),
    )
