"""Staff pages for background jobs and bulk actions on a filtered people list or a segment.

`/staff/bulk` (GET) shows what would happen to how many people; its POST queues the job and
leads to `/staff/jobs/{id}`, whose progress bar a static script refreshes from
`/api/contacts/jobs/{id}` (the page works with its refresh link alone, without JavaScript).
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Uow, actor_of
from contacts.errors import InvalidInput
from contacts.imports.domain.columns import FIELD_LABELS
from contacts.imports.service import results as import_results
from contacts.imports.service.exporting import MEDIA_TYPES
from contacts.jobs.domain import BULK_KINDS, JOB_KINDS
from contacts.jobs.service import jobs
from contacts.labels import staff_names
from contacts.memberships.domain import TRANSITIONS
from contacts.people.pages import ListFilters
from contacts.rendering import pages, staff_language
from contacts.unit_of_work import ContactsUnitOfWork
from shared.web.staff import Editor, Viewer

router = APIRouter(include_in_schema=False)
# The people list's query names and the filter fields of the shared search they feed.
LIST_FILTERS = {
    "q": "text",
    "type": "organisation_type",
    "region": "region",
    "municipality": "municipality",
    "membership": "membership_state",
    "topic": "topic",
    "tag": "tag",
}
MEMBERSHIP_ACTIONS = tuple(a for a in TRANSITIONS if a != "apply")
ERROR_ORDER = ["action", "topic", "tag", "membership_action", "format", "confirmation"]
Text = Annotated[str, Form(max_length=200)]


def _selection(filters: dict[str, str], segment: str) -> jobs.Selection:
    if segment:
        try:
            return jobs.Selection(segment_id=uuid.UUID(segment))
        except ValueError as exc:
            raise InvalidInput("No such segment.", field="segment") from exc
    return jobs.Selection(filters={LIST_FILTERS[k]: v for k, v in filters.items() if v})


async def _bulk_page(
    request: Request,
    uow: ContactsUnitOfWork,
    filters: dict[str, str],
    segment: str,
    form: dict[str, str],
    errors: dict[str, str],
) -> Response:
    lang = staff_language(request)
    choices = await jobs.bulk_choices(uow, _selection(filters, segment), lang=lang)
    back = "/staff/people?" + urlencode({k: v for k, v in filters.items() if v})
    return pages.render(
        request,
        "staff_bulk.html",
        {
            "count": choices.count,
            "filters": filters,
            "segment": segment,
            "back": back if not segment else f"/staff/segments/{segment}",
            "kinds": BULK_KINDS,
            "topics": [(t.key, t.name(lang)) for t in choices.topics],
            "tags": choices.tags,
            "membership_actions": MEMBERSHIP_ACTIONS,
            "form": {"action": "", "topic": "", "tag": "", "membership_action": "", "format": "csv"}
            | form,
            "errors": errors,
            "error_order": ERROR_ORDER,
        },
        lang=lang,
        status_code=422 if errors else 200,
    )


@router.get("/staff/bulk")
async def bulk_form(
    request: Request,
    uow: Uow,
    staff: Editor,
    filters: ListFilters,
    segment: Annotated[str, Query(max_length=40)] = "",
    action: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    request.state.staff = staff
    return await _bulk_page(request, uow, filters, segment, {"action": action}, {})


@router.post("/staff/bulk")
async def start_bulk(
    request: Request,
    uow: Uow,
    staff: Editor,
    action: Annotated[str, Form(max_length=40)] = "",
    bulk_topic: Annotated[str, Form(max_length=60)] = "",
    bulk_tag: Annotated[str, Form(max_length=200)] = "",
    membership_action: Annotated[str, Form(max_length=20)] = "",
    format: Annotated[str, Form(max_length=10)] = "csv",
    confirmation: Annotated[str, Form(max_length=20)] = "",
    q: Text = "",
    type: Text = "",
    region: Text = "",
    municipality: Text = "",
    membership: Text = "",
    topic: Text = "",
    tag: Text = "",
    segment: Text = "",
) -> Response:
    request.state.staff = staff
    filters = {"q": q, "type": type, "region": region, "municipality": municipality}
    filters |= {"membership": membership, "topic": topic, "tag": tag}
    try:
        job_id = await jobs.start_bulk(
            uow,
            kind=action,
            selection=_selection(filters, segment),
            actor=actor_of(staff),
            topic=bulk_topic,
            action=membership_action,
            fmt=format,
            tag=bulk_tag,
            confirmation=confirmation,
        )
    except InvalidInput as error:
        form = {"action": action, "topic": bulk_topic, "membership_action": membership_action}
        form |= {"format": format, "tag": bulk_tag}
        errors = {error.field or "action": error.message}
        return await _bulk_page(request, uow, filters, segment, form, errors)
    return RedirectResponse(f"/staff/jobs/{job_id}", status_code=303)


@router.get("/staff/jobs")
async def job_list(request: Request, uow: Uow, staff: Viewer) -> Response:
    request.state.staff = staff
    return pages.render(
        request,
        "staff_jobs.html",
        {
            "jobs": await jobs.recent_jobs(uow),
            "kinds": JOB_KINDS,
            "staff_names": await staff_names(uow),
        },
        lang=staff_language(request),
    )


@router.get("/staff/jobs/{job_id}")
async def job_page(job_id: uuid.UUID, request: Request, uow: Uow, staff: Viewer) -> Response:
    request.state.staff = staff
    job = await jobs.get_job(uow, job_id)  # NotFound → 404
    found = await import_results.result_of(uow, job_id) if job.kind == "import" else None
    return pages.render(
        request,
        "staff_job.html",
        {
            "job": job,
            "kinds": JOB_KINDS,
            "may_edit": staff.may("editor"),
            "import_result": found,
            "rejected_rows": [(r.row, r.cells, r.problems) for r in found.rejected]
            if found
            else [],
            "said": import_results.said,
            "fields": FIELD_LABELS,
            "staff_names": await staff_names(uow),
        },
        lang=staff_language(request),
    )


@router.post("/staff/jobs/{job_id}/cancel")
async def cancel(job_id: uuid.UUID, uow: Uow, staff: Editor) -> Response:
    await jobs.cancel_job(uow, job_id, actor=actor_of(staff))
    return RedirectResponse(f"/staff/jobs/{job_id}", status_code=303)


@router.get("/staff/jobs/{job_id}/file")
async def download(job_id: uuid.UUID, uow: Uow, staff: Editor) -> Response:
    job, data = await jobs.job_result(uow, job_id)
    fmt = "json" if job.kind == "import" else job.parameters.get("format", "csv")
    return Response(
        data,
        media_type=MEDIA_TYPES.get(fmt, "application/json"),
        headers={"Content-Disposition": f'attachment; filename="{job.kind}-{job_id}.{fmt}"'},
    )
