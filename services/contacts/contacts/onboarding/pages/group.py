"""Staff pages about who is in the Facebook group: the funnel over a chosen period (chart and
table) and the member-list import with its unknown rows as CSV."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile

from contacts.classification import load_classification
from contacts.deps import Uow, actor_of
from contacts.errors import InvalidInput
from contacts.onboarding.service import group_members
from contacts.onboarding.service import onboarding as service
from contacts.rendering import pages, staff_language
from contacts.signup.pages.signup import TYPE_LABELS
from shared.web.charts import grouped_bar_chart
from shared.web.staff import Admin, Viewer

router = APIRouter(prefix="/staff/onboarding", include_in_schema=False)
MAX_CSV_BYTES = 2_000_000
DEFAULT_DAYS = 90


def _period(start: str, end: str) -> tuple[date, date, dict[str, str]]:
    """The chosen dates (end inclusive); a bad or reversed date falls back with an error."""
    errors: dict[str, str] = {}
    today = datetime.now(UTC).date()
    try:
        last = date.fromisoformat(end) if end else today
    except ValueError:
        errors["end"] = "Enter a date like 2026-03-31."
        last = today
    try:
        first = date.fromisoformat(start) if start else last - timedelta(days=DEFAULT_DAYS)
    except ValueError:
        errors["start"] = "Enter a date like 2026-03-01."
        first = last - timedelta(days=DEFAULT_DAYS)
    if first > last:
        errors["start"] = "The start must not be after the end."
        first = last - timedelta(days=DEFAULT_DAYS)
    return first, last, errors


@router.get("/funnel")
async def funnel_page(
    request: Request,
    uow: Uow,
    staff: Viewer,
    start: Annotated[str, Query(max_length=10)] = "",
    end: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    first, last, errors = _period(start, end)
    figures = await service.funnel(
        uow,
        start=datetime.combine(first, time(), UTC),
        end=datetime.combine(last + timedelta(days=1), time(), UTC),
    )
    regions = {r.code: r.name(lang) for r in load_classification().regions}
    for row in figures["by_region"]:
        row["label"] = regions.get(row["key"] or "", row["key"] or "")
    for row in figures["by_organisation_type"]:
        row["label"] = TYPE_LABELS.get(row["key"] or "", row["key"] or "")
    return pages.render(
        request,
        "staff_onboarding_funnel.html",
        {
            "start": start or first.isoformat(),
            "end": end or last.isoformat(),
            "errors": errors,
            "figures": figures,
            "grouped_bar_chart": grouped_bar_chart,
        },
        lang=lang,
        status_code=422 if errors else 200,
    )


def _members_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    return pages.render(
        request,
        "staff_group_members.html",
        {"errors": {}, "result": None, **context},
        lang=staff_language(request),
        status_code=status_code,
    )


@router.get("/members")
async def members_form(request: Request, staff: Admin) -> Response:
    request.state.staff = staff
    return _members_page(request, {})


@router.post("/members")
async def import_members(request: Request, uow: Uow, staff: Admin) -> Response:
    request.state.staff = staff
    upload = (await request.form()).get("file")
    raw = await upload.read(MAX_CSV_BYTES + 1) if isinstance(upload, UploadFile) else b""
    message = ""
    if not raw:
        message = "Choose a CSV file."
    elif len(raw) > MAX_CSV_BYTES:
        message = "The file is larger than 2 MB."
    if not message:
        try:
            result = await group_members.import_member_list(
                uow, raw.decode("utf-8-sig", errors="replace"), actor=actor_of(staff)
            )
        except InvalidInput as exc:
            message = str(exc)
        else:
            return _members_page(request, {"result": result})
    return _members_page(request, {"errors": {"file": message}}, status_code=422)


@router.get("/members/{import_id}/unknown.csv")
async def unknown_members(import_id: uuid.UUID, uow: Uow, staff: Admin) -> Response:
    body = await group_members.unknown_csv(uow, import_id)  # NotFound → 404
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="group-members-unknown-{import_id}.csv"'
        },
    )
