"""Staff API for the audit log (Admin only): /api/contacts/audit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from contacts.audit.schemas import MAX_PER_PAGE, PER_PAGE, AuditPage, Text
from contacts.audit.service import audit_filter, entries
from contacts.deps import Uow
from shared.web.paging import PageNumber
from shared.web.staff import Admin

router = APIRouter(prefix="/api/contacts/audit", tags=["audit"])


@router.get("")
async def audit_entries(
    uow: Uow,
    staff: Admin,
    service: Text = "",
    actor: Text = "",
    action: Text = "",
    date_from: date | None = None,
    date_to: date | None = None,
    page: PageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> AuditPage:
    where = audit_filter(service, actor, action, date_from, date_to)
    items, total = await entries(uow, where, page=page, per_page=per_page)
    return AuditPage(items=items, total=total, page=page, per_page=per_page)
