"""Staff API for the audit log (Admin only): /api/contacts/audit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from contacts.audit import repository as store
from contacts.audit.schemas import MAX_PER_PAGE, PER_PAGE, AuditPage, Text
from contacts.audit.service import audit_filter
from contacts.deps import Engine
from shared.web.staff import Admin

router = APIRouter(prefix="/api/contacts/audit", tags=["audit"])


@router.get("")
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
    where = audit_filter(service, actor, action, date_from, date_to)
    async with engine.connect() as conn:
        items, total = await store.search(conn, where, page=page, per_page=per_page)
    return AuditPage(items=items, total=total, page=page, per_page=per_page)
